"""Start-up stays light and leaves the caller's matplotlib alone.

Each check runs in a fresh interpreter, since this test process has long imported
everything.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_the_report_leaves_matplotlibs_backend_alone(tmp_path):
    """A notebook's backend survives importing the report and writing one."""
    code = f"""
import matplotlib
matplotlib.use("svg")
from aether import load_scenario, simulate
from aether.report import write_outputs
from tests.conftest import small_scenario
import yaml, pathlib
path = pathlib.Path({str(tmp_path)!r}) / "small.yaml"
path.write_text(yaml.safe_dump(small_scenario(duration_h=0.5)))
write_outputs(simulate(load_scenario(str(path)), workers=1), path.parent / "out")
assert matplotlib.get_backend() == "svg", matplotlib.get_backend()
"""
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
    assert (tmp_path / "out" / "report.html").read_text().count("data:image/png") >= 3
