"""The CZML scene against czml3's models of the CZML spec, SGP4, the ship and network stages,
and light time over each route's hops."""

import json
from datetime import timedelta

import numpy as np
import pytest
from czml3 import Packet
from pydantic import ValidationError

from aether.constants import C_KM_S
from aether.czml import INTERPOLATION_DEGREE, sample_grid, scene_packets, scene_summary
from aether.czml.scene import RTT_BINS_MS, SHIP_SERIES, SUNLIGHT, UNREACHABLE
from aether.orbit import Propagated, gcrs_positions_km, geodetic_to_ecef
from aether.timegrid import TimeGrid
from tests.czml.conftest import STEP_S


def _by_id(packets) -> dict:
    return {p["id"]: p for p in packets}


def _seconds(iso: str, start) -> float:
    from datetime import datetime

    return (datetime.fromisoformat(iso.replace("Z", "+00:00")) - start).total_seconds()


def _value_at(intervals: list[dict], t_s: float, start, key: str):
    """The value of an interval list at t_s: where two share an end, the later one (CesiumJS's
    TimeIntervalCollection.addInterval lets a new interval replace an earlier one's overlap)."""
    for item in reversed(intervals):
        a, b = (_seconds(x, start) for x in item["interval"].split("/"))
        if a <= t_s <= b:
            return item[key]
    raise AssertionError(f"no interval holds {t_s} s")


def _lagrange(t: np.ndarray, y: np.ndarray, at: float, degree: int) -> np.ndarray:
    """CesiumJS's LagrangePolynomialApproximation over the degree + 1 samples around `at`."""
    i = int(np.searchsorted(t, at))
    lo = min(max(0, i - (degree + 1) // 2), len(t) - degree - 1)
    x, v = t[lo:lo + degree + 1], y[lo:lo + degree + 1]
    weights = [np.prod([(at - x[m]) / (x[j] - x[m]) for m in range(degree + 1) if m != j]) for j in range(degree + 1)]
    return np.dot(weights, v)


def test_every_packet_is_czml_by_czml3(small_packets):
    for packet in small_packets:
        Packet.model_validate(packet)
    misspelt = {**small_packets[2], "point": {"colour": {"rgba": [1, 2, 3, 4]}}}
    with pytest.raises(ValidationError):  # the check can fail
        Packet.model_validate(misspelt)
    assert small_packets[0]["id"] == "document" and small_packets[0]["version"] == "1.0"
    json.dumps(small_packets, allow_nan=False)


def test_the_scene_holds_every_object_of_the_scenario(small_results, small_packets):
    summary = scene_summary(small_packets)
    roles = summary["roles"]
    assert roles["compute"] + roles["relay"] == len(small_results.orbits) == 25
    assert roles["user"] == len(small_results.users) == 5 and roles["gateway"] == 1
    assert roles["laser"] == 1 and roles["uplink"] == 5 and roles["legend"] == 1
    assert summary["entities"] == 25 + 5 + 1 + 1 + 5 + 1


@pytest.mark.parametrize("step_s, bound_m", [(STEP_S, 1.5), (300.0, 3.0)])
def test_positions_interpolate_back_to_sgp4(small_results, step_s, bound_m):
    # Degree-7 Lagrange (as CesiumJS reads the samples) against SGP4 in the GCRS every 7 s,
    # ends included; the bound is the interpolation plus rounding to whole metres.
    packets = _by_id(scene_packets(small_results, step_s))
    fine = TimeGrid(small_results.grid.start, 7.0, int(small_results.grid.duration_s // 7) + 1)
    truth = gcrs_positions_km(small_results.orbits, fine) * 1e3
    for k in (0, 1, 13):  # the ship and two relays
        position = packets[f"s{k}"]["position"]
        assert position["referenceFrame"] == "INERTIAL" and position["interpolationDegree"] == INTERPOLATION_DEGREE
        samples = np.array(position["cartesian"], float).reshape(-1, 4)
        worst = max(np.linalg.norm(_lagrange(samples[:, 0], samples[:, 1:], t, INTERPOLATION_DEGREE) - truth[i, k])
                    for i, t in enumerate(fine.seconds))
        assert worst < bound_m


def test_eclipses_follow_the_orbit_stage(small_results, small_packets):
    ship = _by_id(small_packets)["s0"]
    grid, sunlit = small_results.grid, small_results.orbit.tracks["ship"].sunlit
    colours = {tuple(c): name for name, c in SUNLIGHT.items()}
    for k, t in enumerate(grid.seconds):
        shown = colours[tuple(_value_at(ship["point"]["color"], t, grid.start, "rgba"))]
        expected = "sunlit" if sunlit[k] >= 0.999 else "eclipse" if sunlit[k] <= 0.001 else "penumbra"
        assert shown == expected == _value_at(ship["properties"]["sunlight"], t, grid.start, "string")
    assert (sunlit <= 0.001).any() and (sunlit >= 0.999).any()  # the run has both


def test_site_colours_follow_the_network_stages_round_trips(small_results, small_packets):
    packets, grid = _by_id(small_packets), small_results.grid
    rtt = small_results.network.rtt_ms
    for j in range(len(small_results.users)):
        for k, t in enumerate(grid.seconds):
            value = rtt[k, j]
            expected = UNREACHABLE if np.isnan(value) else next(c for bound, c in RTT_BINS_MS if value < bound)
            assert _value_at(packets[f"u{j}"]["point"]["color"], t, grid.start, "rgba") == expected


def test_ship_series_are_the_ship_stages(small_results, small_packets):
    ship, ships = _by_id(small_packets)["s0"], small_results.ships
    for series, decimals in SHIP_SERIES.items():  # each written to its decimals
        pairs = np.array(ship["properties"][series]["number"], float).reshape(-1, 2)
        np.testing.assert_array_equal(pairs[:, 0], small_results.grid.seconds)
        np.testing.assert_allclose(pairs[:, 1], getattr(ships, series)[:, 0], atol=0.5 * 10.0**-decimals, rtol=0)


def test_each_route_is_light_time_over_its_hops(small_results, small_packets):
    # The route's round trip again from Earth-fixed positions: twice the light time over
    # every hop plus the per-hop delay, and its first hop is the site's uplink.
    packets, scenario = _by_id(small_packets), small_results.scenario
    samples = sample_grid(small_results.grid, STEP_S)
    fixed = np.concatenate([r for _, r in Propagated(small_results.orbits, samples).chunks(slice(None))])
    sites = {f"u{j}": geodetic_to_ecef(small_results.users.lat_deg[j], small_results.users.lon_deg[j], 0.0)
             for j in range(len(small_results.users))}
    sites |= {f"g{j}": geodetic_to_ecef(small_results.gateways.lat_deg[j], small_results.gateways.lon_deg[j], 0.0)
              for j in range(len(small_results.gateways))}
    routed = 0
    for j in range(len(small_results.users)):
        for k, t in enumerate(samples.seconds):
            text = _value_at(packets[f"u{j}"]["properties"]["route"], t, samples.start, "string")
            rtt, hops = text.split("|")
            uplink = _value_at(packets[f"uplink/u{j}"]["polyline"]["positions"], t, samples.start, "references")
            if not hops:
                assert not _value_at(packets[f"uplink/u{j}"]["polyline"]["show"], t, samples.start, "boolean")
                continue
            ids = hops.split(" ")
            assert ids[0] == f"u{j}" and ids[-1] == "s0" and uplink == [f"u{j}#position", f"{ids[1]}#position"]
            where = [np.array(sites[i]) if i[0] in "ug" else fixed[k, int(i[1:])] for i in ids]
            km = sum(np.linalg.norm(b - a) for a, b in zip(where, where[1:], strict=False))
            expected = 2 * (km / C_KM_S * 1e3 + (len(ids) - 1) * scenario.network.hop_delay_ms)
            assert float(rtt) == pytest.approx(expected, abs=0.06)  # written to 0.1 ms
            routed += 1
    assert routed > 0


def test_laser_links_stay_within_range(small_results, small_packets):
    laser = _by_id(small_packets)["laser/s0"]["polyline"]
    samples = sample_grid(small_results.grid, STEP_S)
    fixed = np.concatenate([r for _, r in Propagated(small_results.orbits, samples).chunks(slice(None))])
    held = 0
    for k, t in enumerate(samples.seconds):
        if not _value_at(laser["show"], t, samples.start, "boolean"):
            continue
        refs = _value_at(laser["positions"], t, samples.start, "references")
        peers = {int(r.split("#")[0][1:]) for r in refs} - {0}
        for peer in peers:
            assert np.linalg.norm(fixed[k, peer] - fixed[k, 0]) <= small_results.scenario.network.laser_range_km
            held += 1
    assert held > 0


def test_the_clock_spans_the_run(small_results, small_packets):
    clock = small_packets[0]["clock"]
    start, stop = clock["interval"].split("/")
    assert _seconds(start, small_results.grid.start) == 0
    assert _seconds(stop, small_results.grid.start) == small_results.grid.duration_s
    assert small_results.grid.start + timedelta(seconds=small_results.grid.duration_s) > small_results.grid.start
