"""Hostile outputs: names that try to escape, full disks, interrupts and kills while writing,
two runs into one folder, folders and files that cannot be written.

Every case ends in one line and exit 2 (130 when interrupted), or a valid run. None writes
outside its output folder: the tree around it is listed before and after. None leaves a
folder that a rerun takes for a finished run: an output folder is absent or complete, its
marker listing exactly its files.
"""

import importlib
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sgp4.api import Satrec
from typer.testing import CliRunner

from aether.cli import app
from aether.errors import ScenarioError
from aether.files import MARKER, NAME_BYTES, output_folder, safe_name
from aether.orbit import write_oem_files
from aether.timegrid import TimeGrid
from tests.conftest import small_scenario
from tests.test_cli import ISS_TLE, _one_clean_line

runner = CliRunner()
TLE_LINES = ISS_TLE.splitlines()[1:]
TIMESERIES = ["round_trips.parquet", "spacecraft.parquet"]


def tiny() -> dict:
    """The smallest useful run: six minutes, two cities."""
    data = small_scenario(duration_h=0.1, step_s=60)
    data["ground"]["users"]["top_cities"] = 2
    return data


def _tree(root: Path) -> set[Path]:
    return set(root.rglob("*"))


def _absent_or_finished(out: Path) -> None:
    """out is absent, or a finished run: its marker lists exactly its files, and the run's
    metrics and report (where it has them) are whole."""
    if not out.exists():
        return
    listed = json.loads((out / MARKER).read_text())["files"]
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.name != MARKER)
    assert listed == files
    if "metrics.json" in files:
        json.loads((out / "metrics.json").read_text())
        assert (out / "report.html").read_text().rstrip().endswith("</html>")


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """A working folder three levels down in tmp_path (the current folder, where default run
    folders go), an inputs folder for scenarios, and check(*outs, also=paths): everything new
    under tmp_path lies in one of outs (each absent or a finished run) or of the paths."""
    work, inputs = tmp_path / "a" / "b" / "c", tmp_path / "in"
    work.mkdir(parents=True)
    inputs.mkdir()
    monkeypatch.chdir(work)
    before = _tree(tmp_path)

    def write(data: dict) -> Path:
        path = inputs / "scenario.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        return path

    def check(*outs: Path, also: tuple[Path, ...] = ()) -> None:
        for path in _tree(tmp_path) - before:
            assert any(_ours(path, out) for out in (inputs, *outs, *also)), path
        for out in outs:
            _absent_or_finished(out)

    return SimpleNamespace(work=work, inputs=inputs, root=tmp_path, write=write, check=check)


def _file_size_limit(size: int):
    """For preexec_fn: the child may write no file beyond size bytes (ulimit -f)."""
    return lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))


def _ours(path: Path, out: Path) -> bool:
    """path is out, inside it, one of its parents, or a hidden sibling made for it
    (.out.lock, .out.partial-*, .out.replaced-*: left only by a killed run)."""
    if path.is_relative_to(out) or out.is_relative_to(path):
        return True
    return path.is_relative_to(out.parent) and path.relative_to(out.parent).parts[0].startswith(f".{out.name}.")


@pytest.fixture
def no_simulation(monkeypatch):
    """Fail the test if the computation starts: these problems must be found before it."""
    import aether.orbit

    def refuse(*args, **kwargs):
        raise AssertionError("the computation started")

    monkeypatch.setattr(importlib.import_module("aether.simulate"), "simulate", refuse)  # the module, not
    # the function of the same name that the aether package exports
    monkeypatch.setattr(aether.orbit, "run_orbit_stage", refuse)


def _valid_run_or_one_line(result) -> bool:
    """True for a valid run; otherwise assert one clean line and exit 2 (input refused)."""
    if result.exit_code == 0:
        return True
    _one_clean_line(result)
    return False


def _run(*args: str):
    return runner.invoke(app, ["run", *args, "--json", "--workers", "1"])


def _aether(*args: str, cwd: Path, **popen) -> subprocess.Popen:
    """The aether command in a process of its own."""
    return subprocess.Popen([sys.executable, "-c", "from aether.cli import main; main()", *args], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


# Names are data, never paths.

def test_satellite_names_from_a_tle_file_stay_inside_the_run_folder(sandbox):
    names = ["../../../x", "a/b", f"{sandbox.root}/absolute", "..", "Ship", "ship", "[/bold] -rf"]
    (sandbox.inputs / "fleet.tle").write_text("".join(f"{n}\n{TLE_LINES[0]}\n{TLE_LINES[1]}\n" for n in names))
    data = tiny()
    data["spacecraft"][0]["orbit"] = {"kind": "tle", "file": "fleet.tle"}
    scenario, out = sandbox.write(data), sandbox.work / "out"
    if _valid_run_or_one_line(_run(str(scenario), "--out", str(out))):
        import pyarrow.parquet as pq

        assert sorted(p.name for p in (out / "timeseries").iterdir()) == TIMESERIES
        kept = pq.read_table(out / "timeseries" / "spacecraft.parquet").column("spacecraft").to_pylist()
        assert set(kept) == set(names)  # names are kept whole, as data
        again = _one_clean_line(_run(str(scenario), "--out", str(out)))  # no --force: refused, unchanged
        assert "already holds a finished run" in again and "--force" in again
    sandbox.check(out)


@pytest.mark.parametrize("source", ["tle", "spacecraft"])
def test_names_with_nul_or_300_characters(sandbox, source):
    data = tiny()
    if source == "tle":
        names = ["nul\x00x", "y" * 300]
        (sandbox.inputs / "fleet.tle").write_text("".join(f"{n}\n{TLE_LINES[0]}\n{TLE_LINES[1]}\n" for n in names))
        data["spacecraft"][0]["orbit"] = {"kind": "tle", "file": "fleet.tle"}
    else:
        names = ["z" * 300]
        data["spacecraft"][0]["name"] = names[0]
    out = sandbox.work / "out"
    if _valid_run_or_one_line(_run(str(sandbox.write(data)), "--out", str(out))):
        assert sorted(p.name for p in (out / "timeseries").iterdir()) == TIMESERIES
    sandbox.check(out)


@pytest.mark.parametrize("name", ["../../[/x]", "ABSOLUTE"])
def test_scenario_name_cannot_move_the_default_run_folder(sandbox, name):
    data = tiny()
    data["name"] = str(sandbox.root / "abs") if name == "ABSOLUTE" else name
    result = runner.invoke(app, ["run", str(sandbox.write(data)), "--workers", "1"])  # rich output on stderr
    runs = sandbox.work / "aether-runs"
    if _valid_run_or_one_line(result):
        (folder,) = runs.iterdir()
        assert folder.name.startswith(safe_name(data["name"]) + "-")
        sandbox.check(folder)
    else:
        sandbox.check(runs)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(st.one_of(st.text(max_size=300), st.text(alphabet="./\\\x00 -_aAé", max_size=12),
                                st.sampled_from(["", ".", "..", "/", "/etc/passwd", "ship", "SHIP"])),
                      min_size=1, max_size=6))
def test_every_file_named_after_a_satellite_lands_inside_its_folder(names, tmp_path):
    # OEM exports name one file per satellite, after the satellite (repeats included).
    root = Path(tempfile.mkdtemp(dir=tmp_path))
    folder = root / "a" / "b" / "oem"
    folder.mkdir(parents=True)
    sat = Satrec.twoline2rv(*TLE_LINES)
    grid = TimeGrid.from_duration(datetime(2008, 9, 20, 12, tzinfo=UTC), 120.0, 60.0)
    assert write_oem_files(folder, names, [sat] * len(names), grid) == len(names)
    written = set(folder.iterdir())
    assert _tree(root) == {root / "a", root / "a" / "b", folder, *written}
    assert len(written) == len(names)
    for path in written:
        assert not path.name.startswith(".") and len(path.name.encode()) <= NAME_BYTES + len(".oem") + 4
    for name in names:
        safe = safe_name(name)
        assert safe not in ("", ".", "..") and "/" not in safe and "\x00" not in safe


# Every problem with the output is found before the computation, in one line.

@pytest.mark.parametrize("case", ["existing file", "under a file", "under /proc", "read-only folder",
                                  "folder of other files", "other files with --force", "finished run",
                                  "name too long"])
def test_output_folder_problems_are_refused_before_the_simulation(sandbox, no_simulation, case):
    work, args, made = sandbox.work, [], []
    if case == "existing file":
        out = work / "report.txt"
        out.write_text("mine")
        made = [out]
    elif case == "under a file":
        (work / "file").write_text("mine")
        out, made = work / "file" / "out", [work / "file"]
    elif case == "under /proc":
        if not Path("/proc/self").is_dir():
            pytest.skip("no /proc")
        out = Path("/proc/aether-test/out")
    elif case == "read-only folder":
        (work / "ro").mkdir(mode=0o500)
        if os.access(work / "ro", os.W_OK):
            pytest.skip("this user writes anywhere (root)")
        out, made = work / "ro" / "out", [work / "ro"]
    elif case in ("folder of other files", "other files with --force"):
        out = work / "home"
        out.mkdir()
        made = [out]
        (out / "notes.txt").write_text("mine")
        args = ["--force"] if "force" in case else []
    elif case == "finished run":
        out = work / "out"
        out.mkdir()
        (out / MARKER).write_text('{"files": []}\n')
        made = [out]
    else:
        out = work / ("n" * 250)
    before = {p: p.read_bytes() for p in _tree(work) if p.is_file()}
    line = _one_clean_line(_run(str(sandbox.write(tiny())), "--out", str(out), *args))
    assert line.startswith(f"{out}: ")
    assert {p: p.read_bytes() for p in _tree(work) if p.is_file()} == before
    expected = {"folder of other files": "not a finished run", "other files with --force": "not a finished run",
                "finished run": "already holds a finished run", "existing file": "is a file"}
    assert expected.get(case, "") in line
    sandbox.check(also=made)


@pytest.mark.parametrize("case", ["missing folder", "existing file", "existing folder"])
def test_export_tle_problems_are_refused_before_the_computation(sandbox, no_simulation, case):
    target = {"missing folder": sandbox.work / "nowhere" / "fleet.tle", "existing file": sandbox.work / "fleet.tle",
              "existing folder": sandbox.work}[case]
    if case == "existing file":
        target.write_text("mine")
    line = _one_clean_line(runner.invoke(app, ["orbit", str(sandbox.write(tiny())), "--export-tle", str(target)]))
    assert line.startswith(f"{target}: ") and ("does not exist" in line or "already exists" in line)
    assert case != "existing file" or target.read_text() == "mine"
    sandbox.check(also=(target,))


def test_export_tle_never_overwrites_a_file_that_appears_during_the_computation(sandbox, monkeypatch):
    import aether.orbit

    target, real = sandbox.work / "fleet.tle", aether.orbit.run_orbit_stage

    def meanwhile(*args, **kwargs):
        target.write_text("mine")
        return real(*args, **kwargs)

    monkeypatch.setattr(aether.orbit, "run_orbit_stage", meanwhile)
    result = runner.invoke(app, ["orbit", str(sandbox.write(tiny())), "--export-tle", str(target), "--workers", "1"])
    assert "appeared while this command ran" in _one_clean_line(result)
    assert target.read_text() == "mine"
    sandbox.check(also=(target,))


def test_export_tle_on_a_full_disk_leaves_nothing_and_a_rerun_writes_it(sandbox):
    scenario, target = sandbox.write(tiny()), sandbox.work / "fleet.tle"
    full = _aether("orbit", str(scenario), "--json", "--export-tle", str(target), "--workers", "1",
                   cwd=sandbox.work, preexec_fn=_file_size_limit(1000))
    _, stderr = full.communicate(timeout=120)
    assert full.returncode == 2 and len(stderr.strip().splitlines()) == 1, stderr
    assert stderr.startswith(f"{target}: could not be written") and "nothing written" in stderr
    assert not target.exists()
    sandbox.check()
    rerun = runner.invoke(app, ["orbit", str(scenario), "--json", "--export-tle", str(target), "--workers", "1"])
    assert rerun.exit_code == 0 and len(target.read_text().splitlines()) == 3 * 25  # ship and 24 relays
    sandbox.check(also=(target,))


# A run's folder is written whole or not at all.

def test_workload_without_fine_tuning_arrivals_reports_n_a(sandbox):
    data = tiny()
    data["workload"] = {}
    out = sandbox.work / "out"
    result = _run(str(sandbox.write(data)), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["workload"]["fine_tuning"]["deadline_attainment"] is None
    assert "deadlines met n/a" in (out / "report.html").read_text()
    sandbox.check(out)


def test_force_replaces_the_whole_folder_never_merges(sandbox):
    out = sandbox.work / "out"
    with output_folder(out) as staging:  # an earlier finished run, with a spacecraft since renamed
        (staging / "timeseries").mkdir()
        (staging / "timeseries" / "old-ship.csv").write_text("t_s\n")
        (staging / "notes.txt").write_text("earlier")
    result = _run(str(sandbox.write(tiny())), "--out", str(out), "--force")
    assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [
        MARKER, "globe.html", "metrics.json", "report.html", "scene.czml", "timeseries",
        *(f"timeseries/{f}" for f in TIMESERIES)]
    sandbox.check(out)


def test_full_disk_while_writing_leaves_nothing_that_looks_finished(sandbox):
    out = sandbox.work / "out"
    full = _aether("run", str(sandbox.write(tiny())), "--out", str(out), "--json", "--workers", "1",
                   cwd=sandbox.work, preexec_fn=_file_size_limit(100_000))
    stdout, stderr = full.communicate(timeout=300)
    assert full.returncode == 2 and stdout == "" and len(stderr.strip().splitlines()) == 1, stderr
    assert stderr.startswith(f"{out}: stopped before the outputs were complete") and "nothing written" in stderr
    assert not out.exists()
    sandbox.check()


# Interrupts and kills at several points of writing; the next run is not fooled.

STOP = """
import os, signal, sys, time
SIGNAL = getattr(signal, sys.argv[1])
def stop(*args, **kwargs):
    os.kill(os.getpid(), SIGNAL)
    time.sleep(60)
"""

# The real run, stopped once metrics.json and the time series are written, before the report.
STOPPED_RUN = STOP + """
import aether.report.write
aether.report.write.orbit_section = stop
from aether.cli import main
sys.argv = ["aether", *sys.argv[2:]]
main()
"""

# A fake writer, stopped at a chosen point: before its files, in the middle of one, before the
# rename into place, or (under force) between moving the earlier run aside and renaming.
STOPPED_WRITER = STOP + """
from pathlib import Path
from aether.files import output_folder
out, point = Path(sys.argv[2]), sys.argv[3]
real_rename, renames = os.rename, []
def rename(src, dst):
    renames.append(src)
    if (point, len(renames)) in (("rename", 1), ("between renames", 2)):
        stop()
    real_rename(src, dst)
os.rename = rename
with output_folder(out, force=point == "between renames") as staging:
    if point == "start":
        stop()
    (staging / "a.txt").write_text("new")
    with open(staging / "b.txt", "w") as handle:
        handle.write("half")
        handle.flush()
        if point == "middle":
            stop()
        handle.write(" and the rest")
"""


def _earlier_run(out: Path) -> None:
    with output_folder(out) as staging:
        (staging / "a.txt").write_text("earlier")


@pytest.mark.parametrize("point", ["start", "middle", "rename", "between renames"])
@pytest.mark.parametrize("sig", ["SIGINT", "SIGKILL"])
def test_a_writer_stopped_anywhere_leaves_nothing_finished_and_the_next_run_proceeds(sandbox, point, sig):
    out = sandbox.work / "out"
    if point == "between renames":
        _earlier_run(out)
    stopped = subprocess.run([sys.executable, "-c", STOPPED_WRITER, sig, str(out), point],
                             capture_output=True, text=True, timeout=60)
    assert stopped.returncode != 0, stopped.stderr
    sandbox.check(out)  # absent or finished: never half
    if out.exists():  # an interrupt put the earlier run back; a kill loses it (it was being replaced)
        assert sig == "SIGINT" and (out / "a.txt").read_text() == "earlier"
    if sig == "SIGINT":  # the interrupted writer cleaned up after itself
        assert sorted(sandbox.work.iterdir()) == ([out] if out.exists() else [])
    with output_folder(out, force=True) as staging:
        (staging / "c.txt").write_text("next")
    assert sorted(sandbox.work.iterdir()) == [out]  # what a kill left beside it is gone
    assert sorted(p.name for p in out.iterdir()) == ["c.txt", MARKER]
    sandbox.check(out)


def test_a_run_killed_then_interrupted_while_writing_then_run_again(sandbox):
    scenario, out = sandbox.write(tiny()), sandbox.work / "out"
    args = ["run", str(scenario), "--out", str(out), "--json", "--workers", "1"]
    killed = subprocess.run([sys.executable, "-c", STOPPED_RUN, "SIGKILL", *args], cwd=sandbox.work,
                            capture_output=True, text=True, timeout=300)
    assert killed.returncode == -signal.SIGKILL
    assert not out.exists() and any(p.name.startswith(".out.partial-") for p in sandbox.work.iterdir())
    sandbox.check(out)
    interrupted = subprocess.run([sys.executable, "-c", STOPPED_RUN, "SIGINT", *args], cwd=sandbox.work,
                                 capture_output=True, text=True, timeout=300)
    assert interrupted.returncode == 130 and interrupted.stdout == ""
    assert interrupted.stderr.splitlines() == [f"{out}: interrupted; nothing written"]
    assert list(sandbox.work.iterdir()) == []  # its own partial output and the kill's leftovers are gone
    rerun = runner.invoke(app, args)
    assert rerun.exit_code == 0, rerun.output
    assert json.loads(rerun.stdout) == json.loads((out / "metrics.json").read_text())
    sandbox.check(out)


# One writer per folder.

def test_two_runs_into_one_folder_at_once(sandbox):
    scenario, out = sandbox.write(tiny()), sandbox.work / "out"
    runs = [_aether("run", str(scenario), "--out", str(out), "--json", "--workers", "1", cwd=sandbox.work)
            for _ in range(2)]
    outputs = [run.communicate(timeout=300) for run in runs]
    done, refused = sorted(zip((run.returncode for run in runs), outputs, strict=True), key=lambda r: r[0])
    assert [done[0], refused[0]] == [0, 2], (done, refused)
    line = refused[1][1].strip()
    assert len(line.splitlines()) == 1 and line.startswith(f"{out}: ")
    assert "another run is writing this folder" in line or "already holds a finished run" in line
    assert json.loads(done[1][0]) == json.loads((out / "metrics.json").read_text())
    assert sorted(sandbox.work.iterdir()) == [out]
    sandbox.check(out)


HOLDER = """
import sys
from pathlib import Path
from aether.files import output_folder
with output_folder(Path(sys.argv[1])):
    print("held", flush=True)
    sys.stdin.read()
"""


def test_a_held_folder_is_refused_and_a_killed_holder_does_not_block(sandbox, no_simulation):
    out = sandbox.work / "out"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(out)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        line = _one_clean_line(_run(str(sandbox.write(tiny())), "--out", str(out)))
        assert line == f"{out}: another run is writing this folder (wait for it, or choose another folder)"
    finally:
        holder.kill()
        holder.wait()
    assert not out.exists()
    with output_folder(out) as staging:  # the dead holder's lock file is still there: not a block
        with pytest.raises(ScenarioError, match="another run is writing"):  # nor is this process its own
            with output_folder(out):
                pass
        (staging / "a.txt").write_text("mine")
    assert sorted(sandbox.work.iterdir()) == [out]
    sandbox.check(out)
