"""The validation table in docs/training.md is what benchmarks/training_validation.py writes from
the code as it is (published rows in benchmarks/training_published.yaml)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_validation_table_is_current():
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "training_validation.py"), "--check"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
