"""A run as a CZML document (the czml-writer wiki's Packet, Position, Clock and
CustomProperties), for CesiumJS: every satellite, user site and gateway, the Compute
Ships' laser links and each site's uplink as they switch, eclipses, round trips, and the
ships' power, battery, heat and compute over the run.

Frames: satellites are sampled in the GCRS, whose axes are the ICRF's, and written with
`referenceFrame: INERTIAL`, which CesiumJS takes to be the ICRF and turns Earth-fixed with
the IAU 2006 XYS series it ships (Assets/IAU2006_XYS); ground sites are WGS84 points.
Samples every `step_s` of the run (four more beyond each end), read back by degree-7
Lagrange interpolation: within 3 m of SGP4 from 300 s samples in LEO (tests/czml).
Sunlight and round-trip colours change at the run's own steps; links and routes at the
samples, where the network stage's rules are evaluated again (aether.network.scene_links).
"""

from __future__ import annotations

import json
import math
from datetime import timedelta
from typing import TYPE_CHECKING

import numpy as np

from aether.czml.intervals import instants, interval_list, iso
from aether.timegrid import TimeGrid

if TYPE_CHECKING:
    from aether.simulate import Results

DEFAULT_STEP_S = 300.0
INTERPOLATION_DEGREE = 7
# Samples added before the start and after the end, so the interpolation stays centred there.
PAD_SAMPLES = (INTERPOLATION_DEGREE + 1) // 2
# --step beyond this interpolates worse than a few hundred metres (tests/czml).
MAX_STEP_S = 600.0
# The ships' series, at most this many samples over all ships together per series.
SERIES_SAMPLES = 100_000
SHIP_SERIES = {"solar_w": 0, "load_w": 0, "soc": 4, "temperature_c": 2, "pflops": 2}  # name: decimals

SUNLIGHT = {"sunlit": [255, 210, 74, 255], "penumbra": [255, 140, 26, 255], "eclipse": [74, 108, 255, 255]}
# Round-trip colours of the user sites: upper bound in ms, colour; past the last, unreachable.
RTT_BINS_MS = [(50.0, [46, 204, 113, 255]), (100.0, [241, 196, 15, 255]), (150.0, [230, 126, 34, 255]),
               (math.inf, [231, 76, 60, 255])]
UNREACHABLE = [128, 128, 128, 255]
RELAY_RGBA = [170, 190, 220, 200]
GATEWAY_RGBA = [200, 120, 255, 255]
LASER_RGBA = [255, 60, 60, 230]
UPLINK_RGBA = [120, 220, 255, 160]


def sample_grid(grid: TimeGrid, step_s: float, pad: int = 0) -> TimeGrid:
    """Instants of the run every step_s (rounded to a whole number of the run's steps, at
    least one) from its start; pad more samples before the start and after the last."""
    stride = max(1, round(step_s / grid.step_s))
    step = grid.step_s * stride
    n = (grid.n_steps - 1) // stride + 1
    return TimeGrid(grid.start - timedelta(seconds=pad * step), step, n + 2 * pad)


def _number(value: float):
    return int(value) if float(value).is_integer() else float(value)


def _sampled(seconds: np.ndarray, values: np.ndarray, decimals: int) -> list:
    """[t0, v0, t1, v1, ...] (CZML's sampled numbers), values rounded to decimals."""
    pairs = np.column_stack([seconds, np.round(values, decimals)])
    return pairs.ravel().tolist() if decimals else [_number(v) for v in pairs.ravel()]


def _positions(seconds: np.ndarray, gcrs_km: np.ndarray) -> list:
    """[t, x, y, z, ...] in whole metres (the interpolation is good to a metre)."""
    metres = np.round(gcrs_km * 1e3).astype(np.int64)
    if np.all(seconds == np.round(seconds)):
        rows = np.column_stack([seconds.astype(np.int64), metres])
        return rows.ravel().tolist()
    return [v for row in zip(seconds.tolist(), metres.tolist(), strict=True) for v in (row[0], *row[1])]


def sunlight_state(sunlit: np.ndarray) -> np.ndarray:
    """"sunlit", "penumbra" or "eclipse" from the visible share of the Sun's disc."""
    return np.where(sunlit >= 0.999, "sunlit", np.where(sunlit <= 0.001, "eclipse", "penumbra"))


def rtt_bin(rtt_ms: np.ndarray) -> np.ndarray:
    """Index into RTT_BINS_MS of each round trip; len(RTT_BINS_MS) where unreachable (NaN)."""
    bounds = np.array([b for b, _ in RTT_BINS_MS[:-1]])
    return np.where(np.isfinite(rtt_ms), np.searchsorted(bounds, np.nan_to_num(rtt_ms), side="right"),
                    len(RTT_BINS_MS))


def entity_ids(results: Results) -> dict[str, list[str]]:
    """The scene's object ids: satellites s<k> (OrbitSet order), user sites u<k>, gateways g<k>."""
    return {"satellites": [f"s{k}" for k in range(len(results.orbits))],
            "users": [f"u{k}" for k in range(len(results.users))],
            "gateways": [f"g{k}" for k in range(len(results.gateways))]}


def scene_packets(results: Results, step_s: float = DEFAULT_STEP_S) -> list[dict]:
    """The run as CZML packets: the document first, then one packet per object and link."""
    from aether.network import scene_links
    from aether.orbit import gcrs_positions_km

    grid, scenario = results.grid, results.scenario
    start = grid.start
    end_s = grid.duration_s
    epoch = str(iso(instants(start, np.zeros(1)))[0])
    stop = str(iso(instants(start, np.array([end_s])))[0])
    samples = sample_grid(grid, step_s)
    padded = sample_grid(grid, step_s, PAD_SAMPLES)
    padded_s = padded.seconds - PAD_SAMPLES * padded.step_s  # from the run's start
    gcrs = gcrs_positions_km(results.orbits, padded)
    links = scene_links(scenario, results.orbits, samples)
    ids = entity_ids(results)
    sat_ids, user_ids, gateway_ids = ids["satellites"], ids["users"], ids["gateways"]
    ship_index = {name: k for k, name in enumerate(results.orbits.names) if name in results.ships.names}

    def node_id(node: int) -> str:
        site = links.node_site(node)
        if site is None:
            return sat_ids[node]
        return user_ids[site] if site < len(user_ids) else gateway_ids[site - len(user_ids)]

    packets: list[dict] = [{
        "id": "document", "name": scenario.name, "version": "1.0",
        "clock": {"interval": f"{epoch}/{stop}", "currentTime": epoch, "multiplier": 60,
                  "range": "LOOP_STOP", "step": "SYSTEM_CLOCK_MULTIPLIER"},
    }, {
        # The scene's key, for the page's legend (an entity with no position: nothing drawn).
        "id": "legend", "name": "legend",
        "properties": {"role": "legend", "sample_step_s": samples.step_s,
                       "sunlight": json.dumps(SUNLIGHT),
                       "rtt_bins": json.dumps([[None if math.isinf(b) else b, c] for b, c in RTT_BINS_MS]
                                              + [[None, UNREACHABLE]])},
    }]
    position_base = {"epoch": epoch, "interpolationAlgorithm": "LAGRANGE",
                     "interpolationDegree": INTERPOLATION_DEGREE, "referenceFrame": "INERTIAL"}
    stride = max(1, math.ceil(grid.n_steps * max(1, len(ship_index)) / SERIES_SAMPLES))
    series_steps = np.arange(0, grid.n_steps, stride)
    for k, name in enumerate(results.orbits.names):
        group = results.orbits.group_names[results.orbits.group_of[k]]
        packet = {"id": sat_ids[k], "name": name, "availability": f"{epoch}/{stop}",
                  "position": {**position_base, "cartesian": _positions(padded_s, gcrs[:, k])}}
        if ship_index.get(name) == k:
            j = results.ships.names.index(name)
            light = sunlight_state(results.orbit.tracks[name].sunlit)
            period_s = 2 * math.pi / results.orbits.satrecs[k].no_kozai * 60.0
            packet |= {
                "point": {"pixelSize": 12, "outlineColor": {"rgba": [255, 255, 255, 255]}, "outlineWidth": 2,
                          "color": interval_list(start, grid.seconds, end_s, light, lambda s: {"rgba": SUNLIGHT[s]})},
                "label": {"text": name, "font": "13px sans-serif", "pixelOffset": {"cartesian2": [0, -22]},
                          "fillColor": {"rgba": [255, 255, 255, 255]}, "showBackground": True},
                "path": {"leadTime": 0, "trailTime": round(period_s), "width": 1.5, "resolution": 120,
                         "material": {"solidColor": {"color": {"rgba": [255, 210, 74, 160]}}}},
                "properties": {"role": "compute", "group": group,
                               "sunlight": interval_list(start, grid.seconds, end_s, light, lambda s: {"string": s}),
                               **{
                    series: {"epoch": epoch, "number": _sampled(
                        grid.seconds[series_steps], getattr(results.ships, series)[series_steps, j], d)}
                    for series, d in SHIP_SERIES.items()}},
            }
        else:
            packet |= {"point": {"pixelSize": 3, "color": {"rgba": RELAY_RGBA}},
                       "properties": {"role": "relay", "group": group}}
        packets.append(packet)

    site_state = rtt_bin(results.network.rtt_ms)  # [time, site], every step of the run
    colours = [c for _, c in RTT_BINS_MS] + [UNREACHABLE]
    for j, name in enumerate(results.users.names):
        routes = np.array([_route(links.rtt_ms[k, j], [node_id(n) for n in links.routes[k][j]])
                           for k in range(samples.n_steps)], dtype=object)
        packets.append({
            "id": user_ids[j], "name": name,
            "position": {"cartographicDegrees": [round(float(results.users.lon_deg[j]), 5),
                                                 round(float(results.users.lat_deg[j]), 5), 0]},
            "point": {"pixelSize": 7, "outlineColor": {"rgba": [0, 0, 0, 255]}, "outlineWidth": 1,
                      "color": interval_list(start, grid.seconds, end_s, site_state[:, j],
                                             lambda b: {"rgba": colours[b]})},
            "properties": {"role": "user", "route": interval_list(start, samples.seconds, end_s, routes,
                                                                  lambda r: {"string": r})},
        })
    for j, name in enumerate(results.gateways.names):
        packets.append({
            "id": gateway_ids[j], "name": name,
            "position": {"cartographicDegrees": [round(float(results.gateways.lon_deg[j]), 5),
                                                 round(float(results.gateways.lat_deg[j]), 5), 0]},
            "point": {"pixelSize": 9, "color": {"rgba": GATEWAY_RGBA}},
            "label": {"text": name, "font": "11px sans-serif", "pixelOffset": {"cartesian2": [0, 14]},
                      "fillColor": {"rgba": list(GATEWAY_RGBA)}},
            "properties": {"role": "gateway"},
        })
    packets += _link_packets(links, start, samples.seconds, end_s, sat_ids, user_ids, ship_index)
    return packets


def _route(rtt_ms: float, hops: list[str]) -> str:
    """A site's route at one sample as "<round trip ms>|<id> <id> ...", from the site to the
    ship ("|" alone when there is none): compact, since every site has one per sample."""
    return "|" if not hops else f"{rtt_ms:.1f}|{' '.join(hops)}"


def _star(centre: str, peers: list[str]) -> list[str]:
    """A polyline from centre to each peer and back (one entity draws all of a ship's links)."""
    return [f"{p}#position" for peer in peers for p in (centre, peer)] + [f"{centre}#position"]


def _link_packets(links, start, seconds, end_s, sat_ids, user_ids, ship_index) -> list[dict]:
    """Each Compute Ship's laser links and each user site's uplink, as polylines whose ends
    follow the linked objects and whose partners change by interval."""
    out = []
    for k in sorted(ship_index.values()):
        peers = np.array([",".join(sat_ids[b if a == k else a] for a, b in pairs if k in (a, b))
                          for pairs in links.terminal_links], dtype=object)
        out.append({
            "id": f"laser/{sat_ids[k]}", "name": f"laser links of {sat_ids[k]}",
            "polyline": {
                "width": 2, "arcType": "NONE", "material": {"solidColor": {"color": {"rgba": LASER_RGBA}}},
                "show": interval_list(start, seconds, end_s, peers, lambda p: {"boolean": bool(p)}),
                "positions": interval_list(start, seconds, end_s, peers, lambda p, k=k: {
                    "references": _star(sat_ids[k], p.split(",") if p else [sat_ids[k]])}),
            },
            "properties": {"role": "laser"},
        })
    for j, user in enumerate(user_ids):
        access = links.access[:, j]
        out.append({
            "id": f"uplink/{user}", "name": f"uplink of {user}",
            "polyline": {
                "width": 1, "arcType": "NONE", "material": {"solidColor": {"color": {"rgba": UPLINK_RGBA}}},
                "show": interval_list(start, seconds, end_s, access >= 0, lambda a: {"boolean": bool(a)}),
                "positions": interval_list(start, seconds, end_s, access, lambda a, user=user: {
                    "references": [f"{user}#position", f"{sat_ids[max(int(a), 0)]}#position"]}),
            },
            "properties": {"role": "uplink"},
        })
    return out


def scene_summary(packets: list[dict]) -> dict:
    """Counts of the scene's objects by role (what the page and its tests compare)."""
    roles: dict[str, int] = {}
    for packet in packets[1:]:
        role = packet.get("properties", {}).get("role", "other")
        roles[role] = roles.get(role, 0) + 1
    return {"entities": len(packets) - 1, "roles": roles}


def czml_text(packets: list[dict]) -> str:
    """The document as compact JSON text (what goes in scene.czml)."""
    return json.dumps(packets, separators=(",", ":"), allow_nan=False)
