"""Sweeps end to end: failed cases recorded and the rest finished, rows equal to plain
aether.simulate runs (physics reused or not), the same rows on the local pool and on Ray,
a killed sweep resumed without re-running finished cases, and optimisation with Optuna."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

import aether
from aether.sweep import run_sweep
from tests.sweep.conftest import tiny_scenario

METRICS = {"usd_per_gpu_hour": "cost.orbit.usd_per_gpu_hour",
           "rtt_p95_ms": {"path": "network.sites.*.rtt_p95_ms", "reduce": "max"}}
SPEC = {"axes": [{"path": "cost.gpu_usd", "values": [30000, -5, 60000]},
                 {"path": "spacecraft[0].orbit.altitude_km", "values": [600, 700]}],
        "metrics": METRICS, "constraints": [{"metric": "rtt_p95_ms", "max": 65}]}


@pytest.fixture(scope="module")
def local_rows(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sweep")
    (folder / "base.yaml").write_text(yaml.safe_dump(tiny_scenario(), sort_keys=False))
    (folder / "spec.yaml").write_text(yaml.safe_dump({"name": "tiny", "base": "base.yaml", **SPEC}))
    return folder, run_sweep(str(folder / "spec.yaml"), folder / "out", workers=2)


def test_a_bad_value_fails_its_cases_and_the_others_finish(local_rows):
    folder, rows = local_rows
    assert rows["case"].tolist() == list(range(6)) and len(set(rows["case_id"])) == 6
    failed = rows[rows["cost.gpu_usd"] == -5]
    assert failed["status"].tolist() == ["failed"] * 2 and failed["usd_per_gpu_hour"].isna().all()
    assert failed["error"].tolist() == [f"{folder / 'base.yaml'}: cost.gpu_usd: -5 is not allowed "
                                        "(allowed: 0 to 1e+12; a price cannot be negative)"] * 2
    assert (rows[rows["cost.gpu_usd"] != -5]["status"] == "ok").all()
    on_disk = pd.read_parquet(folder / "out" / "results.parquet")
    assert on_disk.equals(rows) and not list((folder / "out" / "parts").iterdir())


def test_rows_equal_plain_runs_whether_physics_was_reused_or_not(local_rows):
    """Cases 2-5 reuse the physics of cases 0 and 1 (only the GPU price differs), which the
    cache holds once per altitude; each row equals aether.simulate on the same scenario."""
    folder, rows = local_rows
    assert len(list((folder / "out" / "cache").glob("physics-*.pickle"))) == 2
    for _, row in rows[rows["status"] == "ok"].iterrows():
        data = tiny_scenario()
        data["cost"] = {"gpu_usd": int(row["cost.gpu_usd"])}
        data["spacecraft"][0]["orbit"]["altitude_km"] = int(row["spacecraft[0].orbit.altitude_km"])
        metrics = aether.simulate(aether.scenario.parse_scenario(data, "x", folder), workers=1).metrics()
        assert row["usd_per_gpu_hour"] == metrics["cost"]["orbit"]["usd_per_gpu_hour"]
        rtt = max(site["rtt_p95_ms"] for site in metrics["network"]["sites"].values())
        assert row["rtt_p95_ms"] == rtt
        assert row["feasible"] == (rtt <= 65)


def test_ray_gives_the_same_rows(local_rows):
    """A local Ray of 2 CPUs, started and stopped here; every column but the wall time equal."""
    ray = pytest.importorskip("ray")
    folder, rows = local_rows
    assert not ray.is_initialized()
    on_ray = run_sweep(str(folder / "spec.yaml"), folder / "ray", backend_name="ray", workers=2)
    assert not ray.is_initialized()
    assert on_ray.attrs["backend"] == "ray"
    pd.testing.assert_frame_equal(on_ray.drop(columns="wall_time_s"), rows.drop(columns="wall_time_s"))


def _parts(out: Path) -> list[Path]:
    return sorted((out / "parts").glob("*.parquet")) if (out / "parts").is_dir() else []


def test_a_killed_sweep_resumes_without_rerunning_finished_cases(sweep_files, tmp_path):
    # Eight designs with their own physics, one worker: the first row is written as soon as
    # it finishes (the next ones wait up to FLUSH_S), and the sweep is killed then.
    altitudes = [560, 600, 640, 680, 720, 760, 800, 840]
    spec = sweep_files(axes=[{"path": "spacecraft[0].orbit.altitude_km", "values": altitudes}], metrics=METRICS)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "aether", "sweep", str(spec), "--out", str(out), "--workers", "1"]
    sweep = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not _parts(out) and time.monotonic() < deadline and sweep.poll() is None:
            time.sleep(0.02)
    finally:
        os.killpg(sweep.pid, signal.SIGKILL)  # the sweep and its pool's worker
        sweep.wait()
    finished = pd.concat([pd.read_parquet(p) for p in _parts(out)])
    assert 1 <= len(finished) < 8 and not (out / "results.parquet").exists()

    refused = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert refused.returncode == 2
    assert refused.stderr == f"{out}: already holds files (choose another folder, or pass --resume " \
                             "to carry on the sweep written there)\n"
    resumed = subprocess.run([*command, "--resume"], capture_output=True, text=True, timeout=120, check=False)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{8 - len(finished)} cases run" in resumed.stdout and f"{len(finished)} skipped" in resumed.stdout
    rows = pd.read_parquet(out / "results.parquet")
    assert rows["case"].tolist() == list(range(8)) and (rows["status"] == "ok").all()
    kept = rows.set_index("case_id").loc[finished["case_id"]]
    assert kept["wall_time_s"].tolist() == finished["wall_time_s"].tolist()  # not run again


def test_optimise_asks_optunas_seeded_trials_and_reports_the_best(sweep_files, tmp_path):
    optuna = pytest.importorskip("optuna")
    from aether.sweep.optimise import distributions
    from aether.sweep.pareto import best_designs

    spec_path = sweep_files(mode="optimise", trials=4, seed=11, metrics=METRICS,
                            axes=[{"path": "cost.gpu_usd", "low": 20000, "high": 60000},
                                  {"path": "spacecraft[0].orbit.altitude_km", "values": [600, 700]}],
                            constraints=[{"metric": "rtt_p95_ms", "max": 65}],
                            objectives=[{"metric": "usd_per_gpu_hour", "goal": "min"}])
    rows = run_sweep(str(spec_path), tmp_path / "out", workers=2)
    # TPE's first trials are its seeded random start-up draws: Optuna alone gives the same.
    spec = aether.sweep.load_spec(str(spec_path))
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=11))
    expected = [study.ask(distributions(spec)).params for _ in range(4)]
    assert rows[["cost.gpu_usd", "spacecraft[0].orbit.altitude_km"]].to_dict("records") == expected
    assert (rows["status"] == "ok").all()
    best = best_designs(rows, spec)
    feasible = rows[rows["rtt_p95_ms"] <= 65]
    assert best["usd_per_gpu_hour"].iloc[0] == feasible["usd_per_gpu_hour"].min()
