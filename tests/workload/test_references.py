"""The workload models against published figures, through the code the pipeline runs.

Each figure is checked where `simulate_workload` computes it (the job's metrics, the
replica model that inference serves with), not in a stand-alone helper. Every test cites
its primary source and writes out the hand calculation it compares with.
"""

import math

import pytest

from aether.settings.workload import Inference, Reliability, TrainingJob
from aether.ship import lookup
from aether.workload import WorkloadSettings, iteration_s, replica, simulate_workload

from .conftest import small_inputs, steady

LLAMA3_GPUS = 16_384
LLAMA3_DAYS = 54


@pytest.fixture(scope="module")
def llama3_405b():
    """Llama 3 405B pre-training as published, on 16,384 H100s, for the 54 days of the
    paper's interruption count (Dubey et al. 2024, "The Llama 3 Herd of Models")."""
    inputs = steady(small_inputs(gpus_per_ship=LLAMA3_GPUS, n_sites=1, duration_s=3600.0,
                                 step_s=60.0, accelerator=lookup("H100-SXM"),
                                 dose_rad_per_year=0.0))
    # Meta's layout at this scale: TP 8, PP 16, CP 1 (table 4); 8 virtual stages is ours.
    job = TrainingJob(name="llama3-405b", parameters=405e9, tokens=15.6e12, gpus=LLAMA3_GPUS,
                      model="llama3-405b",
                      layout={"tensor_parallel": 8, "pipeline_parallel": 16, "virtual_stages": 8})
    settings = WorkloadSettings(training=[job], inference=None, fine_tuning=None,
                                horizon_days=LLAMA3_DAYS)
    return simulate_workload(settings, inputs, seed=0).metrics()["training"]["llama3-405b"]


def test_llama3_405b_training_compute(llama3_405b):
    # Dubey et al. 2024, section 3.1.1: 3.8e25 FLOPs for 405B parameters on 15.6T tokens.
    assert llama3_405b["compute_flops"] == pytest.approx(3.8e25, rel=0.01)
    # Table 4: 41% BF16 MFU on 16,384 GPUs counting causal attention; on 6N alone that is
    # 0.41 x 6N / (6N + 6 L s h) = 0.41 x 2.4351e12 / (2.4351e12 + 6 x 126 x 8192 x 16384)
    # = 0.3939, so the ideal run is 3.79e25 / (16,384 x 989e12 x 0.3939) = 68.7 days. The MFU
    # model's layout gives it within 3%.
    assert llama3_405b["mfu_source"] == "model"
    assert llama3_405b["mfu"] == pytest.approx(0.3939, rel=0.03)
    assert llama3_405b["ideal_days"] == pytest.approx(68.74, rel=0.03)


def test_adam_checkpoint_size_of_405b(llama3_405b):
    # Mixed-precision Adam keeps 16 bytes per parameter (Rajbhandari et al. 2020, ZeRO,
    # section 3.1): 405e9 x 16 = 6.48 TB; written at 1 GB/s per GPU by 16,384 GPUs in 0.40 s.
    assert llama3_405b["checkpoint_bytes"] == pytest.approx(6.48e12, rel=1e-12)
    assert llama3_405b["checkpoint_cost_s"] == pytest.approx(6.48e12 / (16_384 * 1e9), abs=1e-3)


def test_llama3_interruptions_and_effective_training_time(llama3_405b):
    # Dubey et al. 2024, section 3.3.4: 419 unexpected interruptions in a 54-day snapshot
    # on 16,384 GPUs, and effective training time above 90%. The job never finishes within
    # the 54 days (67.7 ideal days), so it is exposed to failures the whole time: the count
    # is Poisson with mean 419 (standard deviation 20.5); four sigma either side.
    failures = llama3_405b["failures"]["hard"]
    assert 419 - 82 <= failures <= 419 + 82
    # Section 3.3.4 and table 5: 47 planned interruptions in the same 54 days (mean 47,
    # standard deviation 6.9); four sigma either side.
    planned = llama3_405b["planned_interruptions"]
    assert 47 - 28 <= planned <= 47 + 28
    assert llama3_405b["restarts"] == failures + planned
    goodput = llama3_405b["goodput"]
    assert goodput > 0.90
    # By hand, from the interruptions drawn: each failure costs the 600 s restart plus on
    # average half a checkpoint interval of lost work; each planned one a checkpoint and the
    # restart; each interval tau pays a checkpoint of C seconds.
    tau, cost = llama3_405b["checkpoint_interval_s"], llama3_405b["checkpoint_cost_s"]
    run_s = LLAMA3_DAYS * 86400
    expected = 1 - failures * (600 + tau / 2) / run_s - planned * (600 + cost) / run_s - cost / tau
    assert goodput == pytest.approx(expected, abs=0.005)


def test_daly_interval_is_used_when_asked():
    # Daly 2006 (FGCS 22(3), eq. 37): tau = sqrt(2 C M) (1 + sqrt(C / 2M) / 3 + (C / 2M) / 9) - C
    # for C < 2M. Here a job of 512 GPUs with a 100 h GPU MTBF fails every
    # M = 100 x 3600 / 512 = 703.125 s, and its 8e9 x 16 B = 128 GB checkpoint written at
    # 1 MB/s per GPU costs C = 128e9 / (512 x 1e6) = 250 s:
    # x = sqrt(250 / 1406.25) = 0.42164; sqrt(2 x 250 x 703.125) = 592.93;
    # tau = 592.93 x (1 + 0.14055 + 0.01975) - 250 = 437.97 s (Young alone: 592.93 s).
    job = TrainingJob(name="j", parameters=8e9, tokens=2e11, gpus=512, gpu_mtbf_h=100.0,
                      checkpoint_interval="daly", onboard_write_gbytes_per_s_per_gpu=0.001)
    quiet = Reliability(rad_per_sdc=1e30, rad_per_functional_interrupt=1e30,
                        hard_failure_increase_per_krad_per_year=0.0)
    settings = WorkloadSettings(training=[job], inference=None, fine_tuning=None, reliability=quiet)
    m = simulate_workload(settings, steady(small_inputs(dose_rad_per_year=0.0)), 0).metrics()
    assert m["training"]["j"]["checkpoint_cost_s"] == pytest.approx(250.0, rel=1e-9)
    assert m["training"]["j"]["checkpoint_interval_s"] == pytest.approx(437.97, abs=0.01)


def test_suncatcher_sdc_rate_drives_the_job_failures():
    # Suncatcher (arXiv 2511.19468): about 150 rad(Si)/yr at a 650 km dawn-dusk orbit and one
    # silent data corruption per 14-20 rad; at 17 rad a chip sees 150 / 17 = 8.82 a year.
    # A 512-GPU job that rolls back on every SDC, and fails no other way, over 30 days:
    # 512 x 8.82 x 30 / 365.25 = 371.1 expected (Poisson, sigma 19.3); four sigma.
    job = TrainingJob(name="j", parameters=8e9, tokens=1e15, gpus=512, gpu_mtbf_h=1e30,
                      checkpoint_interval=3600.0)
    sdc_only = Reliability(rad_per_sdc=17.0, sdc_rollback_fraction=1.0,
                           rad_per_functional_interrupt=1e30,
                           hard_failure_increase_per_krad_per_year=0.0)
    settings = WorkloadSettings(training=[job], inference=None, fine_tuning=None,
                                reliability=sdc_only, horizon_days=30)
    inputs = steady(small_inputs(dose_rad_per_year=150.0, duration_s=3600.0, step_s=60.0))
    m = simulate_workload(settings, inputs, 0).metrics()["training"]["j"]
    expected = 512 * 150.0 / 17.0 * 30 / 365.25
    assert expected == pytest.approx(371.1, abs=0.1)
    assert abs(m["failures"]["sdc"] - expected) <= 4 * math.sqrt(expected)
    assert m["failures"]["hard"] == m["failures"]["functional"] == 0
    assert m["job_mtbf_h"] == pytest.approx(365.25 * 24 / (512 * 150.0 / 17.0), abs=1e-4)


def test_decode_at_batch_1_is_the_bandwidth_roofline_without_overheads():
    # Llama 3 70B in bf16 on one H200 (NVIDIA H200 product page: 4.8 TB/s; the device reports
    # 143,771 MiB = 150.8 GB, room for the 141.1 GB of weights), overheads and inefficiencies
    # removed: a decode step at batch 1 reads the 70.55e9 x 2 B of weights, 29.40 ms, plus a
    # 2-token KV cache (0.66 MB, 0.14 us) and one token's math (2 x 69.5e9 FLOPs at 989 TFLOPS
    # is 0.14 ms, within the memory time: the roofline takes the larger). 34.0 tokens/s.
    inference = Inference(
        model={"name": "llama3-70b"},
        demand={"classes": [{"name": "x", "share": 1.0, "prompt_tokens": 1, "output_tokens": 2}]},
        serving={"tensor_parallel": 1, "hbm_efficiency": 1.0, "gemm_efficiency": 1.0,
                 "step_overhead_s": 0.0, "sequence_overhead_s": 0.0})
    r = replica(inference.model, inference.serving, lookup("H200-SXM"))
    weights_s = 70_553_706_496 * 2 / 4.8e12
    kv_s = 2 * 327_680 / 4.8e12
    assert float(iteration_s(r, 1, 2, 0, 0)) == pytest.approx(weights_s + kv_s, rel=1e-12)
    assert 1 / weights_s == pytest.approx(34.02, abs=0.01)
    # Far past the ridge the same step is bound by compute: 2 x (70.55e9 - 128,256 x 8,192)
    # FLOPs per token at 989 TFLOPS; 10,000 tokens take 1.405 s (plus their KV reads).
    matmul = 2 * (70_553_706_496 - 128_256 * 8192)
    assert float(iteration_s(r, 10_000, 0, 0, 0)) == pytest.approx(10_000 * matmul / 989e12, rel=1e-12)


def test_kv_cache_of_llama3_70b_where_inference_reports_it():
    # Llama 3 70B (Meta's model card and config.json): 80 layers, 8 KV heads, head dim 128;
    # bf16 keys and values: 2 x 80 x 8 x 128 x 2 B = 327,680 B per token.
    inputs = small_inputs(n_sites=3, duration_s=600.0)
    settings = WorkloadSettings(training=[], fine_tuning=None,
                                inference=Inference(demand={"requests_per_day": 1e5}, gpus_per_ship=64))
    m = simulate_workload(settings, inputs, 0).metrics()["inference"]
    assert m["kv_bytes_per_token"] == 327_680
