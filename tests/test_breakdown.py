"""`aether run --verbose`: start-up, each stage and the report, with their shares."""

from typer.testing import CliRunner

from aether.cli import app
from aether.cli.breakdown import breakdown_lines
from tests.conftest import small_scenario


def test_shares_are_of_the_simulation_and_imports_count_as_start_up():
    lines = breakdown_lines(0.5, {"imports": 0.5, "setup": 1.0, "orbit": 4.0, "network": 5.0}, 2.0)
    assert lines[0].split()[:3] == ["start-up", "1.00", "s"] and "10.0%" in lines[0]
    assert [line.split()[0] for line in lines[1:4]] == ["setup", "orbit", "network"]
    assert lines[4].split()[:2] == ["simulation", "10.00"]
    assert "20.0%" in lines[5]
    assert lines[6].startswith("start-up + report: 30.0% of the simulation")


def test_run_verbose_prints_every_stage(write_scenario, tmp_path):
    scenario = write_scenario(small_scenario(duration_h=0.5))
    result = CliRunner().invoke(app, ["run", str(scenario), "--out", str(tmp_path / "out"), "--verbose",
                                      "--workers", "1"])
    assert result.exit_code == 0, result.output
    names = [line.split()[0] for line in result.output.splitlines() if line.strip()]
    for part in ("start-up", "setup", "orbit", "ship", "network", "workload", "fleet", "simulation", "report"):
        assert part in names
