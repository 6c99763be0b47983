"""Inference: token accounting, routing policies, latency, determinism."""

import numpy as np
import pytest

from aether.settings.workload import Inference, Outage
from aether.workload import simulate_workload
from aether.workload.inference import simulate_inference
from aether.workload.serving import replica_model

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
    # Prefill: 2 * 70.6e9 * 1000 / (8 * 2.25e15 * 0.5) = 15.69 ms, plus a tiny M/G/1 wait.
    prefill_ms = 2 * 70.6e9 * 1000 / (8 * 2.25e15 * 0.5) * 1e3
    assert m["ttft_ms"]["p50"] == pytest.approx(40 + prefill_ms, abs=0.1)
    # Low load: decode near the memory bound of the weights, 141.2 GB / (8 * 8 TB/s * 0.8).
    assert m["tpot_ms"]["p50"] == pytest.approx(141.2e9 / (64e12 * 0.8) * 1e3, rel=0.02)


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


def test_sovereign_routing_respects_regions():
    inputs = small_inputs(n_ships=2)
    inputs.ship_region = ["eu", "us"]
    inference = Inference(demand={"requests_per_day": 1e6}, gpus_per_ship=64, routing="sovereign",
                          sovereignty={"emea": ["eu"], "americas": ["us"], "apac": []})
    res = simulate_workload(settings(inference=inference), inputs, 0)
    m = res.metrics()["inference"]
    apac = [i for i, r in enumerate(inputs.site_region) if r == "apac"]
    assert apac and m["requests_dropped_unreachable"] > 0
    assert m["ttft_ms_by_region"]["apac"]["p50"] is None
    assert m["ttft_ms_by_region"]["emea"]["p50"] is not None


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

    rep = replica_model(inference, inputs.accelerator)
    res = simulate_inference(inference, inputs, rep, np.array([8]), inputs.delivered_fraction,
                             np.random.default_rng(0), 100)
    expanded = np.repeat(res.ttft_ms, res.count)
    assert expanded.size == res.served
    p = res.metrics()["ttft_ms"]
    assert p["p95"] == pytest.approx(float(np.percentile(expanded, 95, method="inverted_cdf")),
                                     abs=1e-3)
