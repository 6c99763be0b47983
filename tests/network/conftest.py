"""Small scenarios for the network tests (a few dozen satellites, a few sites)."""

from pathlib import Path

import pytest

from aether.orbit.build import build_orbits
from aether.scenario import parse_scenario
from aether.timegrid import TimeGrid

PLANES, PER_PLANE = 6, 10


def scenario_dict(network: dict | None = None, **extra) -> dict:
    """A compute ship at 650 km and a 6 x 10 relay shell at 1,200 km, five user sites."""
    data = {
        "name": "net-small",
        "run": {"start": "2026-06-21T00:00:00Z", "duration_h": 0.5, "step_s": 60},
        "spacecraft": [
            {"name": "ship", "role": "compute",
             "orbit": {"kind": "sun_synchronous", "altitude_km": 650, "ltan_h": 18}},
            {"name": "relays", "role": "relay",
             "orbit": {"kind": "walker_delta", "altitude_km": 1200, "inclination_deg": 53,
                       "total": PLANES * PER_PLANE, "planes": PLANES, "phasing": 1}},
        ],
        "ground": {
            "users": {"top_cities": 0, "sites": [
                {"name": "London", "lat_deg": 51.51, "lon_deg": -0.13},
                {"name": "Lagos", "lat_deg": 6.45, "lon_deg": 3.39},
                {"name": "Tokyo", "lat_deg": 35.68, "lon_deg": 139.69},
                {"name": "Sydney", "lat_deg": -33.87, "lon_deg": 151.21},
                {"name": "New York", "lat_deg": 40.71, "lon_deg": -74.01},
            ]},
            "gateways": [{"name": "Svalbard", "lat_deg": 78.23, "lon_deg": 15.39}],
        },
        **extra,
    }
    if network is not None:
        data["network"] = network
    return data


def make(network: dict | None = None, base_dir: Path = Path("."), **extra):
    return parse_scenario(scenario_dict(network, **extra), "test.yaml", base_dir)


@pytest.fixture(scope="module")
def small():
    """(scenario, orbits, grid) for the small scenario, 30 steps of 60 s."""
    scenario = make({"ground_min_elevation_deg": 10})
    orbits = build_orbits(scenario)
    grid = TimeGrid(scenario.run.start, 60.0, 30)
    return scenario, orbits, grid
