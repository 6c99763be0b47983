"""Training jobs: ideal time, throttling, failures, checkpoints, cross-ship, outages."""

import numpy as np
import pytest

from aether.settings.workload import Outage, TrainingJob
from aether.workload import simulate_workload

from .conftest import NO_FAILURES, settings, small_inputs, small_job, steady


def run_job(job: TrainingJob, inputs=None, seed=0, **kw):
    inputs = inputs if inputs is not None else steady(small_inputs(dose_rad_per_year=0.0))
    result = simulate_workload(settings([job], reliability=NO_FAILURES, **kw), inputs, seed)
    return result, result.metrics()["training"][job.name]


def test_no_failures_no_throttling_finishes_in_ideal_time():
    job = small_job(gpu_mtbf_h=1e30, checkpoint_interval=1e12)
    _, m = run_job(job)
    # FLOPs / (GPUs x peak x MFU): 6 * 8e9 * 2e11 / (512 * 2.25e15 * 0.40) = 20,833 s.
    ideal_s = 6 * 8e9 * 2e11 / (512 * 2.25e15 * 0.40)
    assert m["finished"] and m["finished_within_run"]
    assert m["wall_clock_s"] == pytest.approx(ideal_s, rel=1e-6)
    assert m["goodput"] == pytest.approx(1.0, rel=1e-9)
    assert m["restarts"] == 0 and m["checkpoints"] == 0


def test_throttling_slows_training_and_checkpoints_cost_time():
    inputs = steady(small_inputs(dose_rad_per_year=0.0))
    inputs.delivered_fraction[:] = 0.5
    _, half = run_job(small_job(gpu_mtbf_h=1e30, checkpoint_interval=1e12), inputs)
    ideal_s = 6 * 8e9 * 2e11 / (512 * 2.25e15 * 0.40)
    assert half["wall_clock_s"] == pytest.approx(2 * ideal_s, rel=1e-6)
    _, ck = run_job(small_job(gpu_mtbf_h=1e30, checkpoint_interval=600.0))
    assert ck["checkpoints"] == int(ideal_s // 600)
    assert ck["wall_clock_s"] == pytest.approx(
        ideal_s + ck["checkpoints"] * ck["checkpoint_cost_s"], rel=1e-6)


def test_failures_cost_work_and_young_interval_is_used():
    job = small_job(gpu_mtbf_h=100.0)  # 512 GPUs -> a failure every ~12 min
    result, m = run_job(job)
    rates_mtbf_s = 100.0 * 3600 / 512
    cost = 8e9 * 16 / (512 * 1e9)
    assert m["checkpoint_interval_s"] == pytest.approx(np.sqrt(2 * cost * rates_mtbf_s), rel=1e-3)
    assert m["restarts"] > 5 and m["failures"]["hard"] == m["restarts"]
    assert m["lost_gpu_hours"] > 0
    assert 0 < m["goodput"] < 1
    assert m["wall_clock_s"] > 6 * 8e9 * 2e11 / (512 * 2.25e15 * 0.40)


def test_radiation_adds_failures():
    from aether.settings.workload import Reliability

    job = small_job(gpu_mtbf_h=1e30)
    inputs = steady(small_inputs(dose_rad_per_year=1500.0))  # ten times Suncatcher's orbit
    rel = Reliability(sdc_rollback_fraction=1.0, rad_per_functional_interrupt=100.0)
    result = simulate_workload(settings([job], reliability=rel, horizon_days=5), inputs, 0)
    m = result.metrics()["training"]["job"]
    f = m["failures"]
    assert f["hard"] == 0
    # By hand: 512 GPUs at 1500 rad/yr see 512 x 1500 / 17 = 45,176 rolled-back SDCs and
    # 512 x 1500 / 100 = 7,680 functional interrupts a year (a job MTBF of 0.1658 h); over the
    # job's wall clock the counts are Poisson about rate x time, four sigma either side.
    per_year = {"sdc": 512 * 1500 / 17, "functional": 512 * 1500 / 100}
    assert m["job_mtbf_h"] == pytest.approx(365.25 * 24 / sum(per_year.values()), abs=1e-4)
    for kind, rate in per_year.items():
        mean = rate / (365.25 * 86400) * m["wall_clock_s"]
        assert abs(f[kind] - mean) <= 4 * np.sqrt(mean), kind


def test_ground_checkpoints_wait_for_backhaul():
    inputs = steady(small_inputs(dose_rad_per_year=0.0))
    inputs.backhaul_bps[:] = 1e9
    job = small_job(gpu_mtbf_h=200.0, restart_s=60.0, checkpoint_target="ground",
                    checkpoint_interval=300.0)
    _, ground = run_job(job, inputs)
    _, onboard = run_job(job.model_copy(update={"checkpoint_target": "onboard"}), inputs)
    # A 128 GB checkpoint takes 34 min at 0.5 Gbit/s, so more work is lost per failure.
    assert ground["lost_gpu_hours"] > onboard["lost_gpu_hours"]
    assert ground["wall_clock_days"] > onboard["wall_clock_days"]


def test_diloco_beats_sync_dp_across_ships():
    inputs = steady(small_inputs(n_ships=2, dose_rad_per_year=0.0))
    base = dict(gpu_mtbf_h=1e30, checkpoint_interval=1e12, ships=["ship-1", "ship-2"], gpus=1024)
    _, sync = run_job(small_job(cross_ship="sync_dp", **base), inputs)
    _, diloco = run_job(small_job(cross_ship="diloco", diloco_local_steps=100, **base), inputs)
    # Step compute: 6 * 8e9 * 16e6 / (1024 * 2.25e15 * 0.4) = 0.833 s; all-reduce of 16 GB
    # of gradients between 2 ships at 100 Gbit/s: 2 * 16e9 * 8 * 1/2 / 1e11 = 1.28 s.
    step, comm = 6 * 8e9 * 16e6 / (1024 * 2.25e15 * 0.4), 1.28
    assert sync["communication_efficiency"] == pytest.approx(step / (step + comm), rel=1e-6)
    assert diloco["communication_efficiency"] == pytest.approx(step / (step + comm / 100),
                                                               rel=1e-6)
    assert diloco["wall_clock_days"] < sync["wall_clock_days"]


def test_injected_outage_interrupts_and_pauses():
    job = small_job(gpu_mtbf_h=1e30, checkpoint_interval=1e12)
    _, clean = run_job(job)
    _, hit = run_job(job, outages=[Outage(ship="aether-1", start_s=3600, duration_s=1800)])
    assert hit["failures"]["outage"] == 1 and hit["restarts"] == 1
    # Lost: the first hour (no checkpoint yet), the outage and the restart.
    expected = clean["wall_clock_s"] + 3600 + 1800 + 600
    assert hit["wall_clock_s"] == pytest.approx(expected, rel=1e-6)


def test_planned_interruptions_cost_a_checkpoint_and_a_restart_but_no_work():
    # Planned interruptions only (no failures, no periodic checkpoints): a Poisson process at
    # rate lambda = 512 GPUs / 5,000 h per GPU while the job runs. The job computes for its
    # ideal time T = 20,833 s in all, so by hand the count is Poisson with mean lambda T and
    # each costs the checkpoint C = 8e9 x 16 B / (512 GB/s) = 0.25 s plus the 600 s restart:
    # expected downtime lambda T (C + 600). Over a long job (T x 40) the count stays within
    # four sigma and the wall clock is T plus exactly the downtime drawn.
    job = small_job(tokens=8e12, gpu_mtbf_h=1e30, checkpoint_interval=1e12, gpu_planned_interval_h=5000.0)
    inputs = steady(small_inputs(dose_rad_per_year=0.0))
    _, m = run_job(job, inputs, horizon_days=100)
    ideal_s = 6 * 8e9 * 8e12 / (512 * 2.25e15 * 0.40)
    rate = 512 / (5000.0 * 3600)
    mean, cost = rate * ideal_s, 8e9 * 16 / 512e9
    n = m["planned_interruptions"]
    assert abs(n - mean) <= 4 * np.sqrt(mean)
    assert m["lost_gpu_hours"] == pytest.approx(n * 512 * 600 / 3600, abs=1e-3)  # restarts only
    assert m["planned_downtime_h"] == pytest.approx(n * (cost + 600) / 3600, rel=1e-6)
    assert m["planned_downtime_h"] == pytest.approx(mean * (cost + 600) / 3600, rel=4 / np.sqrt(mean))
    assert m["wall_clock_s"] == pytest.approx(ideal_s + n * (cost + 600), rel=1e-9)
    assert m["restarts"] == n and m["checkpoints"] == n and sum(m["failures"].values()) == 0
    assert m["job_planned_interval_h"] == pytest.approx(5000.0 / 512, abs=1e-4)


def test_mfu_from_the_layout_unless_given():
    inputs = steady(small_inputs(dose_rad_per_year=0.0))
    _, model = run_job(small_job(mfu=None, gpu_mtbf_h=1e30), inputs)
    _, given = run_job(small_job(gpu_mtbf_h=1e30), inputs)
    assert model["mfu_source"] == "model" and given["mfu_source"] == "given" and given["mfu"] == 0.40
    # 8B on 512 B200s: TP 1, PP 1, data parallel 512 (the model-parallel rule, 4 x 8e9 B in
    # 20% of 192.3 GB), 16M tokens in 3.8 micro-batches of 8,192 tokens per replica.
    assert model["layout"] == {"tensor_parallel": 1, "pipeline_parallel": 1, "context_parallel": 1,
                               "data_parallel": 512.0, "virtual_stages": 1,
                               "micro_batches": pytest.approx(16e6 / 8192 / 512, rel=1e-6)}
    assert model["pipeline_bubble"] == 0.0
    assert 0.2 < model["mfu"] < 0.54
    assert model["ideal_days"] == pytest.approx(given["ideal_days"] * 0.40 / model["mfu"], abs=2e-4)
