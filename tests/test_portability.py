"""The engine runs wherever Python does: workers spawned as on macOS and Windows, no CPU
affinity call, inside daemonic workers, on the caller's own executor; and Results pickle.
Results never depend on how the work was spread."""

import json
import multiprocessing
import pickle
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from aether import load_scenario, simulate
from tests.conftest import small_scenario

ROOT = Path(__file__).parents[1]


def _metrics(results) -> dict:
    metrics = results.metrics()
    metrics["run"].pop("wall_time_s")
    return metrics


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """(scenario path, serial Results) for a one-hour small scenario."""
    import yaml

    path = tmp_path_factory.mktemp("small") / "small.yaml"
    path.write_text(yaml.safe_dump(small_scenario(duration_h=1)))
    return path, simulate(load_scenario(str(path)), workers=1)


def test_results_pickle_round_trip(small):
    _, results = small
    copy = pickle.loads(pickle.dumps(results))
    assert _metrics(copy) == _metrics(results)
    assert copy.state_at(600.0) == results.state_at(600.0)
    assert [d.ship for d in copy.ship_days] == [d.ship for d in results.ship_days]
    assert np.array_equal(copy.ship_days[0].soc, results.ship_days[0].soc)


def test_the_callers_executor_gives_the_same_metrics(small):
    path, serial = small
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as executor:
        theirs = simulate(load_scenario(str(path)), executor=executor)
        assert executor.submit(sum, [1, 2]).result() == 3  # left open for the caller
    assert _metrics(theirs) == _metrics(serial)


def _simulate_into(path: str, workers: int, queue) -> None:
    queue.put(_metrics(simulate(load_scenario(path), workers=workers)))


def test_simulate_runs_serially_inside_a_daemonic_process(small):
    """A daemonic process (a multiprocessing pool's, Dask's) may not start children."""
    path, serial = small
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    worker = context.Process(target=_simulate_into, args=(str(path), 2, queue), daemon=True)
    worker.start()
    metrics = queue.get(timeout=300)
    worker.join(timeout=60)
    assert worker.exitcode == 0
    assert metrics == _metrics(serial)


SPAWNED_RUN_WITHOUT_AFFINITY = """
import multiprocessing, os, sys
multiprocessing.set_start_method("spawn", force=True)
if hasattr(os, "sched_getaffinity"):
    del os.sched_getaffinity  # as on macOS and Windows
from aether.parallel import default_workers
assert default_workers() == (os.cpu_count() or 1)
from aether.cli import main
sys.argv = ["aether", "run", sys.argv[1], "--out", sys.argv[2], "--json", "--workers", "2"]
main()
"""


def test_cli_run_with_spawned_workers_and_no_affinity_call(small, tmp_path):
    path, serial = small
    done = subprocess.run([sys.executable, "-c", SPAWNED_RUN_WITHOUT_AFFINITY, str(path), str(tmp_path / "out")],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    metrics = json.loads(done.stdout)
    metrics["run"].pop("wall_time_s")
    assert metrics == json.loads(json.dumps(_metrics(serial)))


def test_without_room_for_stored_positions_the_network_propagates_again(small, monkeypatch):
    from types import SimpleNamespace

    import aether.orbit.positions as positions

    def no_store(*args):
        raise AssertionError("no store should be made without room for it")

    path, serial = small
    monkeypatch.setattr(positions.shutil, "disk_usage", lambda folder: SimpleNamespace(free=0))
    monkeypatch.setattr(positions.StoredPositions, "create", no_store)
    assert _metrics(simulate(load_scenario(str(path)), workers=1)) == _metrics(serial)


def test_figures_drawn_on_spawned_workers_make_the_same_report(small, tmp_path):
    from aether.report import write_outputs

    _, results = small
    write_outputs(results, tmp_path / "here")
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as executor:
        write_outputs(results, tmp_path / "there", executor)
    here, there = ((tmp_path / name / "report.html").read_text() for name in ("here", "there"))
    assert here.count("data:image/png") >= 5 and here == there


def test_without_posix_locks_writing_is_one_line_and_orbit_still_works(tmp_path, monkeypatch):
    # Windows has no fcntl: a command that writes a folder says so in one line, exit 2;
    # one that writes nothing runs.
    import json

    import yaml
    from typer.testing import CliRunner

    import aether.files
    from aether.cli import app
    from tests.conftest import small_scenario

    monkeypatch.setattr(aether.files, "fcntl", None)
    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump(small_scenario(duration_h=0.5)))
    refused = CliRunner().invoke(app, ["run", str(path), "--out", str(tmp_path / "out"), "--workers", "1"])
    assert refused.exit_code == 2 and "POSIX file locks" in refused.output and "Traceback" not in refused.output
    assert not (tmp_path / "out").exists()
    orbit = CliRunner().invoke(app, ["orbit", str(path), "--json", "--workers", "1"])
    assert orbit.exit_code == 0 and set(json.loads(orbit.stdout)["spacecraft"]) == {"ship", "relays"}
