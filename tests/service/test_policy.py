"""Jobs' sovereignty policies on the twin's real geography: registries from the scenario,
gateways' countries, the country under each ship at the twin's now, and the network stage's
policy routing; checked against plain shapely point-in-polygon at the same instants."""

import numpy as np
import pytest
import shapely
from fastapi.testclient import TestClient

from aether.geo import country_map
from aether.scenario import parse_scenario
from aether.service import Service, ServiceConfig, create_app
from aether.service.twin import Twin
from tests.conftest import small_scenario
from tests.service.conftest import ADMIN, ADMIN_KEY, PEPPER, TRAINING

TICK_S = 60.0
# A Luxembourg-registered ship like project-aether's aether-1 beside a US-registered one, each
# in a dawn-dusk orbit; gateways in Germany (Weilheim), the US (Fairbanks) and Norway (Svalbard).
SHIPS = [
    {"name": "aether-1", "role": "compute", "registry_country": "LU",
     "orbit": {"kind": "sun_synchronous", "altitude_km": 650, "ltan_h": 18}},
    {"name": "us-1", "role": "compute", "registry_country": "US",
     "orbit": {"kind": "sun_synchronous", "altitude_km": 650, "ltan_h": 6}},
]
RELAYS = {"name": "relays", "role": "relay", "orbit": {"kind": "walker_delta", "altitude_km": 550,
                                                       "inclination_deg": 53, "total": 24, "planes": 4, "phasing": 1}}
PARIS = {"name": "Paris", "lat_deg": 48.8534, "lon_deg": 2.3488}  # GeoNames
GATEWAYS = [{"name": "Weilheim", "lat_deg": 47.88, "lon_deg": 11.08},
            {"name": "Fairbanks", "lat_deg": 64.86, "lon_deg": -147.85},
            {"name": "Svalbard", "lat_deg": 78.23, "lon_deg": 15.39}]


def _scenario(ships, tmp_path_factory):
    raw = {**small_scenario(), "spacecraft": [*ships, RELAYS]}
    raw["ground"] = {"users": {"top_cities": 5, "sites": [PARIS]}, "gateways": GATEWAYS}
    return parse_scenario(raw, "policy", tmp_path_factory.mktemp("policy"))


@pytest.fixture(scope="module")
def two_ships(tmp_path_factory):
    return Twin(_scenario(SHIPS, tmp_path_factory), horizon_s=3600)


@pytest.fixture(scope="module")
def lu_only(tmp_path_factory):
    return Twin(_scenario(SHIPS[:1], tmp_path_factory), horizon_s=3600)


def _client(twin, db_url, tmp_path, monkeypatch):
    monkeypatch.setenv("AETHER_ADMIN_KEY", ADMIN_KEY)
    monkeypatch.setenv("AETHER_PEPPER", PEPPER)
    service = Service(ServiceConfig(twin.scenario, data_dir=tmp_path / "serve", db_url=db_url, tick_s=TICK_S),
                      twin=twin)
    return TestClient(create_app(service), raise_server_exceptions=False)


def _tenant(client) -> dict[str, str]:
    tenant = client.post("/v1/admin/tenants", json={"name": "eu-bank", "max_concurrent_gpus": 100_000},
                         headers=ADMIN).json()
    key = client.post(f"/v1/admin/tenants/{tenant['id']}/keys", json={}, headers=ADMIN).json()["key"]
    return {"Authorization": f"Bearer {key}"}


def _events(client, headers, job):
    return client.get(f"/v1/jobs/{job}/events", headers=headers).json()["items"]


def _step(client, seconds=TICK_S):
    assert client.post("/v1/admin/clock/step", json={"seconds": seconds}, headers=ADMIN).status_code == 200


def _under(country: str, lat_deg: float, lon_deg: float) -> bool:
    """Plain shapely: is the point inside one of the country's Natural Earth polygons."""
    m = country_map()
    polygons = m.geometries[m.feature_code == m.codes.index(country)]
    return bool(shapely.contains_xy(polygons, lon_deg, lat_deg).any())


def test_an_eu_job_runs_only_on_the_luxembourg_ship(two_ships, db_url, tmp_path, monkeypatch):
    # Four EU jobs of 4,000 GPUs: aether-1 (10,000 GPUs, LU) holds two at a time; the others
    # wait although us-1 stands empty, and a US job runs only on us-1.
    with _client(two_ships, db_url, tmp_path, monkeypatch) as client:
        a = _tenant(client)
        eu = [client.post("/v1/jobs", json={**TRAINING, "gpus": 4000, "sovereignty": {"compute_registries": ["EU"]}},
                          headers=a).json()["id"] for _ in range(4)]
        us = client.post("/v1/jobs", json={**TRAINING, "gpus": 4000, "sovereignty": {"compute_registries": ["US"]}},
                         headers=a).json()["id"]
        for _ in range(20):
            _step(client)
        placements = {job: [e["detail"] for e in _events(client, a, job) if e["kind"] == "placement"]
                      for job in [*eu, us]}
        states = [client.get(f"/v1/jobs/{job}", headers=a).json()["state"] for job in eu]
    assert states.count("RUNNING") == 2 and states.count("PENDING") == 2
    assert all(p["ship"] == "aether-1" for job in eu for p in placements[job])
    assert sum(len(placements[job]) for job in eu) >= 2
    assert placements[us] and all(p["ship"] == "us-1" for p in placements[us])
    # The gateway and the countries under the route are recorded with each placement.
    assert all(p["gateway"] in {g["name"] for g in GATEWAYS} for job in eu for p in placements[job])
    assert all(isinstance(p["countries_crossed"], list) for job in eu for p in placements[job])


def test_landing_countries_bring_the_data_down_in_the_eu(two_ships, db_url, tmp_path, monkeypatch):
    with _client(two_ships, db_url, tmp_path, monkeypatch) as client:
        a = _tenant(client)
        job = client.post("/v1/jobs", json={**TRAINING, "sovereignty": {"landing_countries": ["EU"]}},
                          headers=a).json()["id"]
        for _ in range(30):
            _step(client)
        events = _events(client, a, job)
    # The data may come down only at Weilheim, the one gateway in the EU: the job waits, saying
    # why, until a path from a ship down to Weilheim exists, and runs landing there.
    placements = [e["detail"] for e in events if e["kind"] == "placement"]
    assert placements and all(p["gateway"] == "Weilheim" for p in placements)
    assert any(e["kind"] == "waiting" and "down at an allowed gateway" in e["detail"]["reason"] for e in events)


@pytest.mark.parametrize(("sovereignty", "says"), [
    ({"compute_registries": ["US"]}, "no Compute Ship flies under a registry in compute_registries ['US'] "
                                     "(ships' registries: LU)"),
    ({"compute_registries": ["FIVE_EYES"]}, "(ships' registries: LU)"),
    ({"landing_countries": ["JP"]}, "no gateway lies in landing_countries ['JP'] (gateways' countries: DE, NO, US)"),
])
def test_a_policy_the_scenario_can_never_meet_is_refused_with_the_reason(lu_only, db_url, tmp_path, monkeypatch,
                                                                        sovereignty, says):
    with _client(lu_only, db_url, tmp_path, monkeypatch) as client:
        response = client.post("/v1/jobs", json={**TRAINING, "sovereignty": sovereignty}, headers=_tenant(client))
    assert response.status_code == 422 and response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"].startswith("NO_COMPLIANT_CAPACITY") and says in response.json()["detail"]


def test_unknown_codes_and_groups_get_close_matches(lu_only, db_url, tmp_path, monkeypatch):
    with _client(lu_only, db_url, tmp_path, monkeypatch) as client:
        a = _tenant(client)
        bad = [client.post("/v1/jobs", json={**TRAINING, "sovereignty": {field: [value]}}, headers=a)
               for field, value in [("compute_registries", "DEU"), ("forbid_transit_over", "FIVEEYES"),
                                    ("forbid_ground_relay_countries", "Germany")]]
    assert [r.status_code for r in bad] == [422, 422, 422]
    details = [r.json()["detail"] for r in bad]
    assert all("\n" not in d and "Traceback" not in d for d in details)
    assert "sovereignty.compute_registries" in details[0] and "did you mean DE" in details[0]
    assert "did you mean FIVE_EYES" in details[1]
    assert "unknown country or group 'Germany'" in details[2]


def _first_pass_over_land(twin, ticks: int = 3) -> tuple[float, str]:
    """The first tick from which aether-1 stays over one country for `ticks` ticks (plain
    shapely through the polygons' tree), and that country."""
    m = country_map()
    start = np.arange(0.0, 3600.0, TICK_S)
    under = [int(m.exact_lookup(twin.at(t).lat_deg[0], twin.at(t).lon_deg[0])) for t in start]
    for k in range(len(start) - ticks):
        if under[k] >= 0 and len(set(under[k:k + ticks])) == 1:
            return float(start[k]), m.codes[under[k]]
    raise AssertionError(f"aether-1 stays over no country for {ticks} ticks in the first hour")


def test_forbid_transit_over_waits_while_the_ship_is_over_the_country(lu_only, db_url, tmp_path, monkeypatch):
    t0, country = _first_pass_over_land(lu_only)
    with _client(lu_only, db_url, tmp_path, monkeypatch) as client:
        a = _tenant(client)
        if t0 > 0:
            _step(client, t0)
        job = client.post("/v1/jobs", json={**TRAINING, "sovereignty": {"forbid_transit_over": [country]}},
                          headers=a).json()["id"]
        ticks = []  # (tick start, placed at the end of the tick)
        t = t0
        while not ticks or not ticks[-1][1]:
            _step(client)
            ticks.append((t, client.get(f"/v1/jobs/{job}", headers=a).json()["state"] == "RUNNING"))
            t += TICK_S
            assert t < t0 + 3600, "the ship never left the forbidden country"
        events = _events(client, a, job)
    # The tick's decision uses the twin at the tick's start; plain shapely at those instants:
    over = [_under(country, lu_only.at(start).lat_deg[0], lu_only.at(start).lon_deg[0]) for start, _ in ticks]
    assert over[0] and not ticks[0][1]  # not placed while over the country
    assert not over[-1]                  # placed once it has moved on
    assert all(o for o in over[:-1])     # and waited only while over it
    waiting = [e for e in events if e["kind"] == "waiting"]
    assert waiting and f"aether-1 is over {country}" in waiting[0]["detail"]["reason"]
    assert len(ticks) >= 4 and len(waiting) == 1  # one event per reason, not one per tick
    (placed,) = [e["detail"] for e in events if e["kind"] == "placement"]
    assert placed["ship"] == "aether-1" and placed["ship_over"] != country
    assert country not in placed["countries_crossed"]


def test_unconstrained_routing_at_an_instant_is_the_network_stages_round_trip(two_ships):
    # The hook routes a job at the twin's instant; with a policy that drops nothing (AQ: no
    # polygon carries it) every site's round trip to every ship is the stage's own, at every tick.
    from aether.service.policy import PolicyRouter

    router, sites = PolicyRouter(two_ships), tuple(two_ships.site_names)
    for t in np.arange(0.0, 7200.0, 600.0):
        found = router.at({"forbid_transit_over": ["AQ"]}, sites, t)
        stage = np.nan_to_num(two_ships.at(t).rtt_ms.astype(float), nan=np.inf)
        np.testing.assert_allclose(found.rtt_ms, stage, rtol=1e-5)


def test_a_running_job_leaves_the_ship_when_it_passes_over_a_forbidden_country(lu_only, db_url, tmp_path,
                                                                                 monkeypatch):
    t0, country = _first_pass_over_land(lu_only)
    with _client(lu_only, db_url, tmp_path, monkeypatch) as client:
        a = _tenant(client)
        job = client.post("/v1/jobs", json={**TRAINING, "sovereignty": {"forbid_transit_over": [country]}},
                          headers=a).json()["id"]
        _step(client, t0 + TICK_S)
        shown = client.get(f"/v1/jobs/{job}", headers=a).json()
        events = _events(client, a, job)
    starts = np.arange(0.0, t0 + TICK_S, TICK_S)
    over = [_under(country, lu_only.at(t).lat_deg[0], lu_only.at(t).lon_deg[0]) for t in starts]
    assert not any(over[:-1]) and over[-1]  # plain shapely: over the country from t0 only
    placed = [e for e in events if e["kind"] == "placement"]
    assert placed and placed[0]["t_s"] == TICK_S and placed[0]["detail"]["ship"] == "aether-1"
    (failure,) = [e for e in events if e["kind"] == "failure"]
    assert failure["t_s"] == t0 and failure["detail"]["reason"] == "POLICY_UNMET"
    assert f"aether-1 is over {country}" in failure["detail"]["why"]
    assert shown["state"] == "RECOVERING" and shown["ship"] is None


def test_an_inference_job_runs_only_while_its_region_reaches_an_eu_ship_and_lands_in_the_eu(
        two_ships, db_url, tmp_path, monkeypatch):
    policy = {"compute_registries": ["EU"], "landing_countries": ["EU"]}
    with _client(two_ships, db_url, tmp_path, monkeypatch) as client:
        a = _tenant(client)
        job = client.post("/v1/jobs", json={"kind": "inference", "requests_per_day": {"Paris": 1e6},
                                            "duration_h": 1, "sovereignty": policy}, headers=a).json()["id"]
        for _ in range(30):
            _step(client)
        events = _events(client, a, job)
    paris = two_ships.site_names.index("Paris")
    placed = [e for e in events if e["kind"] == "placement"]
    assert placed, "the sparse test network lets Paris reach aether-1 and Weilheim at least once in 30 min"
    for e in placed:
        decided = e["t_s"] - TICK_S  # a tick decides on the twin at its start
        free = float(two_ships.at(decided).rtt_ms[paris, 0])
        # The policy's flow (Paris up, aether-1, down at Weilheim) is never shorter than the
        # unconstrained round trip to aether-1 the network stage gives at the same instant.
        assert e["detail"]["ship"] == "aether-1" and e["detail"]["gateway"] == "Weilheim"
        assert np.isfinite(free) and e["detail"]["rtt_ms"]["Paris"] >= free
    waiting = [e for e in events if e["kind"] == "waiting"]
    assert waiting[0]["t_s"] < placed[0]["t_s"] and "no route from Paris" in waiting[0]["detail"]["reason"]
    # When the route goes, the job leaves the ship and says why.
    lost = [e for e in events if e["kind"] == "failure"]
    assert lost and all(e["detail"]["reason"] == "POLICY_UNMET" and "no route from Paris" in e["detail"]["why"]
                        for e in lost)
