"""Sovereign inference routing in the pipeline: a site's requests go only where and when its
policy can be met, as the network stage found."""

import numpy as np

from aether import load_scenario, simulate
from aether.workload.stage import workload_inputs
from tests.conftest import small_scenario


def _results(write_scenario, routing: str):
    data = small_scenario(duration_h=1)
    data["spacecraft"][0]["registry_country"] = "LU"
    # Chinese cities may not use a hop over China: their uplinks mostly start there.
    data["sovereignty"] = {"policies": [{"name": "cn", "users": ["CN"], "forbid_transit_over": ["CN"]}]}
    data["workload"] = {"training": [], "fine_tuning": None,
                        "inference": {"demand": {"requests_per_day": 2e6}, "routing": routing}}
    scenario = load_scenario(str(write_scenario(data, f"{routing}.yaml")))
    return scenario, simulate(scenario, workers=1)


def test_requests_go_only_where_and_when_the_policy_is_met(write_scenario):
    scenario, results = _results(write_scenario, "sovereign")
    (policy,) = results.network.sovereignty
    assert 0 < policy.compliant.mean() < 1
    inputs = workload_inputs(scenario, results.users, results.ships, results.network)
    covered = policy.sites
    # Steps when a covered site's policy cannot be met offer it no ship at all.
    assert np.isnan(inputs.rtt_ms[:, covered, 0][~policy.compliant]).all()
    others = np.setdiff1d(np.arange(len(results.users)), covered)
    np.testing.assert_array_equal(inputs.rtt_ms[:, others, 0], results.network.rtt_group_ms[:, others, 0])
    sovereign = results.workload.metrics()["inference"]
    free = _results(write_scenario, "lowest_rtt")[1].workload.metrics()["inference"]
    assert sovereign["requests_dropped_unreachable"] > free["requests_dropped_unreachable"]
