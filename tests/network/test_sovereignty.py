"""Sovereignty policies in routing: against facts of a hand-built case and against an
independent brute force (networkx on the snapshot's links, every hop's country by plain
shapely)."""

import json
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from aether.cli import app
from aether.errors import ScenarioError
from aether.geo import country_map
from aether.network import route_samples, simulate_network
from aether.network.topology import build_topology, iter_snapshots
from aether.orbit import Propagated, build_orbits, ecef_to_geodetic
from aether.scenario import parse_scenario
from aether.scenario.policies import check_policies
from aether.scenario.sites import gateway_sites, user_sites
from aether.timegrid import TimeGrid

from .conftest import make, scenario_dict

# Gateways: two in Germany (DLR Weilheim, Bremen), one in France (Toulouse), Svalbard (NO).
GATEWAYS = [
    {"name": "Weilheim", "lat_deg": 47.88, "lon_deg": 11.08},
    {"name": "Bremen", "lat_deg": 53.08, "lon_deg": 8.80},
    {"name": "Toulouse", "lat_deg": 43.60, "lon_deg": 1.44},
    {"name": "Svalbard", "lat_deg": 78.23, "lon_deg": 15.39},
]


def _scenario(policies: list[dict], registry: str | None = "LU", **network):
    data = scenario_dict({"ground_min_elevation_deg": 10, **network})
    data["spacecraft"][0]["registry_country"] = registry
    data["ground"]["gateways"] = GATEWAYS
    data["sovereignty"] = {"policies": policies}
    return parse_scenario(data, "test.yaml", Path("."))


def _run(scenario, steps: int = 30):
    orbits = build_orbits(scenario)
    grid = TimeGrid(scenario.run.start, 60.0, steps)
    return orbits, grid, simulate_network(scenario, orbits, grid)


def test_policy_landing_only_in_germany_lands_every_flow_at_a_german_gateway():
    scenario = _scenario([{"name": "de", "users": ["GB", "NG", "JP", "AU", "US"], "landing_countries": ["DE"]}])
    _, _, result = _run(scenario)
    (policy,) = result.sovereignty
    assert policy.site_names == ["London", "Lagos", "Tokyo", "Sydney", "New York"]
    met = policy.compliant
    assert met.mean() > 0.5
    landed = np.array(policy.gateway_names, object)[np.where(met, policy.gateway, 0)]
    assert set(landed[met]) <= {"Weilheim", "Bremen"}
    assert (policy.gateway[~met] == -1).all()
    # The unconstrained flow may land anywhere, so it is never longer.
    both = met & np.isfinite(policy.free_rtt_ms)
    assert (policy.rtt_ms[both] >= policy.free_rtt_ms[both] - 1e-3).all()
    # Toulouse or Svalbard is sometimes nearer: the landing rule binds and costs time.
    assert (policy.rtt_ms[both] > policy.free_rtt_ms[both] + 0.1).any()
    assert policy.binding == "landing_countries"
    assert policy.metrics()["rtt_penalty_p50_ms"] >= 0


def test_route_under_the_policy_ends_at_a_german_gateway_at_every_step():
    scenario = _scenario([{"name": "de", "users": ["GB"], "landing_countries": ["DE"]}])
    grid = TimeGrid(scenario.run.start, 60.0, 30)
    result = route_samples(scenario, "London", None, grid=grid, policy="de")
    reached = [p for p, r in zip(result.paths, result.rtt_ms, strict=True) if r is not None]
    assert reached
    for path in reached:
        assert path[0] == "London" and path[-1] in {"Weilheim", "Bremen"} and "ship" in path
    assert all(p == [] for p, r in zip(result.paths, result.rtt_ms, strict=True) if r is None)


def test_a_ship_over_a_forbidden_country_is_no_hop():
    # No relays and ship-to-ground links only: a site reaches the ship directly or not at
    # all, so under forbid_transit_over the flow exists exactly when the ship is visible and
    # its sub-satellite point lies outside the forbidden countries (plain shapely).
    data_policy = [{"name": "no-fr", "users": ["GB", "FR"], "forbid_transit_over": ["FR", "GB", "BE", "NL"]}]
    scenario = _scenario(data_policy)
    scenario = scenario.model_copy(update={"spacecraft": scenario.spacecraft[:1]})
    orbits, grid, result = _run(scenario, steps=1440 // 1)
    (policy,) = result.sovereignty
    positions = np.concatenate([r for _, r in Propagated(orbits, grid).chunks(slice(None))])[:, 0]
    lat, lon, _ = ecef_to_geodetic(positions[:, 0], positions[:, 1], positions[:, 2])
    over = country_map().names(country_map().exact_lookup(lat, lon))
    forbidden = np.isin(over, ["FR", "GB", "BE", "NL"])
    free = np.isfinite(policy.free_rtt_ms[:, 0])
    assert (free & forbidden).any(), "the case must put the ship over a forbidden country in sight"
    assert (policy.compliant[:, 0] == (free & ~forbidden)).all()


def _brute_force_rtt(snap, topology, ships, users, landing, banned_sats):
    """Shortest flow per user by networkx on the snapshot's links minus banned satellites."""
    g = nx.DiGraph()
    ms = np.asarray(snap.delay_graph()[snap.src, snap.dst]).ravel()
    for a, b, w in zip(snap.src.tolist(), snap.dst.tolist(), ms.tolist(), strict=True):
        if a not in banned_sats and b not in banned_sats:
            g.add_edge(a, b, weight=w)
    out = []
    for user in users:
        best = np.inf
        up = int(topology.up_node(user))
        for ship in ships:
            if ship in banned_sats or up not in g or ship not in g:
                continue
            try:
                leg1 = nx.dijkstra_path_length(g, up, int(ship))
            except nx.NetworkXNoPath:
                continue
            leg2 = 0.0
            if landing is not None:
                legs = []
                for gw in landing:
                    try:
                        legs.append(nx.dijkstra_path_length(g, int(ship), int(topology.down_node(gw))))
                    except (nx.NetworkXNoPath, nx.NodeNotFound):
                        pass
                leg2 = min(legs, default=np.inf)
            best = min(best, leg1 + leg2)
        out.append(2 * best if np.isfinite(best) else np.nan)
    return np.array(out)


def test_policy_round_trips_equal_an_independent_brute_force():
    policy = {"name": "eu", "users": ["GB", "NG", "JP", "AU", "US"], "landing_countries": ["EU"],
              "compute_registries": ["EU"], "forbid_transit_over": ["US", "CN", "RU"]}
    scenario = _scenario([policy])
    orbits, grid, result = _run(scenario, steps=12)
    (got,) = result.sovereignty
    topology = build_topology(scenario, orbits)
    users = np.arange(5)
    landing = np.array([0, 1, 2]) + topology.n_users  # Weilheim, Bremen, Toulouse (EU)
    checked = 0
    for k, snap in enumerate(iter_snapshots(topology, Propagated(orbits, grid), grid)):
        lat, lon, _ = ecef_to_geodetic(snap.sat_km[:, 0], snap.sat_km[:, 1], snap.sat_km[:, 2])
        over = country_map().names(country_map().exact_lookup(lat, lon))
        banned = set(np.flatnonzero(np.isin(over, ["US", "CN", "RU"])).tolist())
        expected = _brute_force_rtt(snap, topology, topology.compute, users, landing, banned)
        np.testing.assert_allclose(got.rtt_ms[k], expected, rtol=1e-6)
        checked += np.isfinite(expected).sum()
    assert checked > 5


def test_policies_no_ship_or_gateway_could_meet_are_refused():
    scenario = _scenario([{"name": "fr-only", "users": ["GB"], "compute_registries": ["FR"],
                           "landing_countries": ["CH"]}])
    with pytest.raises(ScenarioError) as error:
        check_policies(scenario, user_sites(scenario), gateway_sites(scenario))
    first, second = error.value.problems
    assert first == ("test.yaml: sovereignty.policies[0] (fr-only).compute_registries: no Compute Ship "
                     "is registered in FR (registry_country of the compute entries: ship: LU)")
    assert second.startswith("test.yaml: sovereignty.policies[0] (fr-only).landing_countries: no gateway "
                             "lies in CH (gateways are in DE, FR, NO)")


def test_without_a_policy_the_network_stage_is_unchanged():
    scenario = make({"ground_min_elevation_deg": 10})
    orbits = build_orbits(scenario)
    grid = TimeGrid(scenario.run.start, 60.0, 5)
    result = simulate_network(scenario, orbits, grid)
    assert result.sovereignty == [] and result.sovereignty_metrics() == {}


def _write(tmp_path, policies, registry="LU"):
    data = scenario_dict({"ground_min_elevation_deg": 10})
    data["run"]["duration_h"] = 0.1
    data["spacecraft"][0]["registry_country"] = registry
    data["ground"]["gateways"] = GATEWAYS
    data["sovereignty"] = {"policies": policies}
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_validate_refuses_unknown_codes_with_close_matches(tmp_path):
    path = _write(tmp_path, [{"name": "eu", "users": ["EUU"], "landing_countries": ["DEU"]}])
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    # Lines follow the model's fields: the constraint lists (shared with service jobs), then users.
    assert lines[0].startswith(f"{path}: sovereignty.policies[0].landing_countries[0]: unknown country or "
                               "group 'DEU' (did you mean DE")
    assert lines[1].startswith(f"{path}: sovereignty.policies[0].users[0]: unknown country or group 'EUU' "
                               "(did you mean EU")


def test_validate_refuses_a_policy_no_ship_could_meet(tmp_path):
    path = _write(tmp_path, [{"name": "us", "users": ["GB"], "compute_registries": ["FIVE_EYES"]}])
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.output.strip() == (f"{path}: sovereignty.policies[0] (us).compute_registries: no Compute Ship "
                                     "is registered in FIVE_EYES (registry_country of the compute entries: "
                                     "ship: LU)")
    ok = _write(tmp_path, [{"name": "us", "users": ["GB"], "compute_registries": ["FIVE_EYES"]}], registry="GB")
    assert CliRunner().invoke(app, ["validate", str(ok)]).exit_code == 0


def test_route_command_follows_the_policy_flow(tmp_path):
    path = _write(tmp_path, [{"name": "de", "users": ["GB"], "landing_countries": ["DE"]}])
    result = CliRunner().invoke(app, ["route", str(path), "London", "--policy", "de", "--json"])
    assert result.exit_code == 0, result.output
    samples = json.loads(result.output)["samples"]
    assert all(s["path"][-1] in {"Weilheim", "Bremen"} for s in samples if s["rtt_ms"] is not None)
    refused = CliRunner().invoke(app, ["route", str(path), "London", "Toulouse", "--policy", "de"])
    assert refused.exit_code == 2
    assert refused.output.strip() == f"{path}: Toulouse is a gateway in FR, where policy de does not let data land"
    unknown = CliRunner().invoke(app, ["route", str(path), "London", "--policy", "dee"])
    assert unknown.output.strip() == f"{path}: unknown policy 'dee' (did you mean de?)"


def test_the_report_maps_each_policy_compliant_share_per_site():
    from aether.report.network import sovereignty_map

    scenario = _scenario([{"name": "de", "users": ["GB", "JP"], "landing_countries": ["DE"]},
                          {"name": "no-transit", "users": ["US"], "forbid_transit_over": ["US", "CA"]}])
    _, _, result = _run(scenario, steps=10)
    figure = sovereignty_map(result)
    maps = [ax for ax in figure.axes if ax.get_title().startswith("Policy")]
    assert [ax.get_title() for ax in maps] == ["Policy de: time its flows can be met, per site",
                                               "Policy no-transit: time its flows can be met, per site"]
    for ax, policy in zip(maps, result.sovereignty, strict=True):
        sites = next(c for c in ax.collections if c.get_label() == "its user sites")
        np.testing.assert_allclose(sites.get_array(), policy.compliant.mean(axis=0))


def test_policies_leave_the_round_trips_to_the_ships_unchanged():
    # With policies the stage takes the groups' round trips from the Dijkstra trees it grows
    # for the policies; they must equal those found without any policy.
    with_policy = _scenario([{"name": "de", "users": ["GB"], "landing_countries": ["DE"]}])
    without = _scenario([])
    assert without.sovereignty.policies == []
    np.testing.assert_array_equal(_run(with_policy, steps=10)[2].rtt_group_ms,
                                  _run(without, steps=10)[2].rtt_group_ms)


def test_fibre_baseline_of_a_policy_uses_only_data_centres_in_its_countries():
    # London's nearest cloud region is London; a policy landing only in Germany compares it
    # with fibre to the nearest German region (Frankfurt or Berlin), computed here by hand.
    from aether.network.fibre import great_circle_km, load_data_centres

    scenario = _scenario([{"name": "de", "users": ["GB"], "landing_countries": ["DE"]}])
    _, _, result = _run(scenario, steps=2)
    free = _run(_scenario([]), steps=2)[2]
    london = result.site_names.index("London")
    centres = load_data_centres(scenario)
    german = centres.countries() == "DE"
    assert german.any() and not german.all()
    km = great_circle_km(51.51, -0.13, centres.lat_deg[german], centres.lon_deg[german]).min()
    expected_ms = 2 * km * scenario.network.fibre_route_factor * 1.468 / 299792.458 * 1e3
    assert result.fibre_rtt_ms[london] == pytest.approx(expected_ms, rel=1e-9)
    assert result.fibre_region[london] in np.array(centres.names)[german]
    assert free.fibre_rtt_ms[london] < result.fibre_rtt_ms[london]
    # Sites no policy covers keep the nearest region of any country.
    tokyo = result.site_names.index("Tokyo")
    assert result.fibre_rtt_ms[tokyo] == free.fibre_rtt_ms[tokyo]
