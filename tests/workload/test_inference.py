"""Inference: token accounting, routing policies, latency, determinism."""

import numpy as np
import pytest

from aether.settings.workload import Inference, Outage
from aether.workload import simulate_workload
from aether.workload.inference import simulate_inference
from aether.workload.serving import inference_replica

from .conftest import settings, small_inputs


def metrics(inputs, inference, seed=0, **kw):
    return simulate_workload(settings(inference=inference, **kw), inputs, seed).metrics()


def test_tokens_served_plus_dropped_equal_requested_under_overload_and_gaps():
    inputs = small_inputs()
    inputs.rtt_ms[100:200, :5, :] = np.nan  # some sites unreachable for a while
    inference = Inference(demand={"requests_per_day": 4e8}, gpus_per_ship=16,
                          serving={"max_queue_s": 2.0})
    m = metrics(inputs, inference)["inference"]
    assert m["requests_dropped_unreachable"] > 0 and m["requests_dropped_overload"] > 0
    assert m["tokens_served"] + m["tokens_dropped"] == m["tokens_requested"]
    assert m["requests_served"] + m["requests_dropped"] == m["requests"]
    assert m["slo_attainment"] < 1


def test_same_seed_same_metrics_other_seed_differs(inference_settings, ft_settings):
    from aether.settings.workload import TrainingJob

    job = TrainingJob(name="t", parameters=8e9, tokens=1e11, gpus=512, gpu_mtbf_h=50.0)
    s = settings([job], inference=inference_settings, fine_tuning=ft_settings)
    a = simulate_workload(s, small_inputs(), 7).metrics()
    b = simulate_workload(s, small_inputs(), 7).metrics()
    c = simulate_workload(s, small_inputs(), 8).metrics()
    assert a == b
    assert a != c


def test_ttft_is_round_trip_plus_prefill_when_idle():
    inputs = small_inputs(n_sites=3)
    inputs.rtt_ms[:] = 40.0
    inference = Inference(demand={"requests_per_day": 1e5,
                                  "classes": [{"name": "x", "share": 1.0, "prompt_tokens": 1000,
                                               "output_tokens": 100}]}, gpus_per_ship=64)
    m = metrics(inputs, inference)["inference"]
    # Llama 3 70B in bf16 on 8 B200 (tp 8), nearly idle. A decode iteration: the weight shard,
    # 70.55e9 x 2 / 8 = 17.64 GB, at 8 TB/s x 0.66 = 3.341 ms; 160 all-reduces of 14 ring steps
    # of 3 us = 6.72 ms; 0.80 ms overhead: 10.86 ms.
    weights_ms = 70.553706496e9 * 2 / 8 / (8e12 * 0.66) * 1e3
    decode_ms = weights_ms + 160 * 14 * 3e-6 * 1e3 + 0.80
    assert m["tpot_ms"]["p50"] == pytest.approx(decode_ms, rel=0.01)
    # The prompt in one iteration: 2 x (70.55e9 - 128,256 x 8,192) / 8 FLOPs per token x 1000 at
    # 2.25 PFLOPS x 0.58 = 13.31 ms; attention 4 x 80 x 8 x 128 x 1000 x 500 FLOPs = 0.13 ms;
    # 160 all-reduces of 14 steps of 3 us + 1000 x 8192 x 2 / 8 bytes at 682.2 GB/s = 13.44 ms;
    # 0.80 ms. TTFT = 40 ms + half a decode iteration (the wait for the next) + the prefill.
    matmul_ms = 2 * (70.553706496e9 - 128_256 * 8192) / 8 * 1000 / (2.25e15 * 0.58) * 1e3
    attention_ms = 4 * 80 * 8 * 128 * 1000 * 500 / (2.25e15 * 0.58) * 1e3
    allreduce_ms = 160 * 14 * (3e-6 + 1000 * 8192 * 2 / 8 / 682.2e9) * 1e3
    prefill_ms = matmul_ms + attention_ms + allreduce_ms + 0.80
    assert prefill_ms == pytest.approx(27.68, abs=0.01)
    assert m["ttft_ms"]["p50"] == pytest.approx(40 + decode_ms / 2 + prefill_ms, rel=0.01)


def test_outage_drops_requests_when_no_other_ship():
    # The only ship is down for the first of six hours: the requests of that hour, and only
    # those, are dropped as unreachable. The hour's demand is measured by a one-hour run
    # (Poisson counts: 3% tolerance, many standard deviations at ~40,000 requests).
    inputs = small_inputs()
    inference = Inference(demand={"requests_per_day": 1e6}, gpus_per_ship=64)
    base = metrics(inputs, inference)["inference"]
    m = metrics(inputs, inference,
                outages=[Outage(ship="aether-1", start_s=0, duration_s=3600)])["inference"]
    first_hour = metrics(small_inputs(duration_s=3600.0), inference)["inference"]["requests"]
    assert base["requests_dropped"] == 0 and m["requests"] == base["requests"]
    assert m["requests_dropped_unreachable"] == pytest.approx(first_hour, rel=0.03)
    assert m["requests_dropped_overload"] == 0


def test_sovereign_routing_sends_requests_only_to_allowed_ships():
    # Ship 0 is allowed to EMEA sites, ship 1 to the Americas, none to APAC: APAC's requests
    # all go unserved, and each ship serves only the sites allowed it.
    inputs = small_inputs(n_ships=2)
    region = np.array(inputs.site_region)
    inputs.allowed_ships = np.stack([region == "emea", region == "americas"], axis=1)
    inference = Inference(demand={"requests_per_day": 1e6}, gpus_per_ship=64, routing="sovereign")
    res = simulate_workload(settings(inference=inference), inputs, 0)
    m = res.metrics()["inference"]
    assert (region == "apac").any() and m["requests_dropped_unreachable"] > 0
    assert m["ttft_ms_by_region"]["apac"]["p50"] is None
    assert m["ttft_ms_by_region"]["emea"]["p50"] is not None
    # Without sovereign routing the same mask is ignored: nothing is unreachable.
    free = Inference(demand={"requests_per_day": 1e6}, gpus_per_ship=64, routing="lowest_rtt")
    assert simulate_workload(settings(inference=free), inputs, 0).metrics()["inference"][
        "requests_dropped_unreachable"] == 0


def test_least_loaded_spreads_over_ships():
    inputs = small_inputs(n_ships=2)
    inference = Inference(demand={"requests_per_day": 5e6}, gpus_per_ship=64,
                          routing="least_loaded")
    res = simulate_workload(settings(inference=inference), inputs, 0)
    by_ship = res.inference.served_by_ship
    assert by_ship.min() > 0.3 * by_ship.sum()
    m = res.metrics()["inference"]
    assert m["tokens_served"] + m["tokens_dropped"] == m["tokens_requested"]


def test_cohort_latencies_are_exact_per_request():
    inputs = small_inputs(n_sites=5)
    inference = Inference(demand={"requests_per_day": 1e6}, gpus_per_ship=64)

    rep = inference_replica(inference, inputs.accelerator)
    res = simulate_inference(inference, inputs, rep, np.array([8]), inputs.delivered_fraction,
                             np.random.default_rng(0), 100)
    expanded = np.repeat(res.ttft_ms, res.count)
    assert expanded.size == res.served
    p = res.metrics()["ttft_ms"]
    assert p["p95"] == pytest.approx(float(np.percentile(expanded, 95, method="inverted_cdf")),
                                     abs=1e-3)
