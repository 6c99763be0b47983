"""Start-up stays light and leaves the caller's matplotlib alone.

Each check runs in a fresh interpreter, since this test process has long imported
everything.
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]

HEAVY = ("scipy", "matplotlib")


def _loaded_after(code: str) -> set[str]:
    """Heavy packages in sys.modules after running code in a new interpreter."""
    probe = f"{code}\nimport sys\nprint(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(out.stdout.split()) & set(HEAVY)


def test_importing_the_scenario_loads_neither_scipy_nor_matplotlib():
    assert _loaded_after("import aether.scenario") == set()


@pytest.mark.parametrize("command", [["presets"], ["validate", "project-aether"]])
def test_light_commands_load_neither_scipy_nor_matplotlib(command):
    code = ("import sys\nfrom aether.cli import main\n"
            f"sys.argv = ['aether', *{command!r}]\n"
            "try:\n    main()\nexcept SystemExit as done:\n    assert done.code == 0, done.code")
    assert _loaded_after(code) == set()


def test_the_root_package_still_offers_simulate_and_results():
    import aether
    from aether import Results, simulate

    assert callable(simulate) and aether.simulate is simulate and Results.__name__ == "Results"


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
