import numpy as np
import pytest

from aether.network.fibre import (
    DataCentres,
    fibre_rtt_ms,
    great_circle_km,
    load_data_centres,
)
from aether.network.stage import simulate_network
from aether.orbit.build import build_orbits
from aether.timegrid import TimeGrid

from .conftest import make


def test_fibre_round_trip_by_hand():
    # Ten degrees along the equator: 6371.0088 km x 10 x pi / 180 = 1111.95 km.
    # RTT = 2 x 1111.95 x 1.3 x 1.468 / 299792.458 km/s = 14.157 ms.
    centres = DataCentres(["A", "far"], ["x", "x"], np.array([0.0, 0.0]), np.array([10.0, 90.0]))
    rtt, nearest = fibre_rtt_ms([0.0], [0.0], centres, route_factor=1.3)
    assert great_circle_km(0.0, 0.0, 0.0, 10.0) == pytest.approx(1111.95, abs=0.01)
    assert rtt[0] == pytest.approx(14.157, abs=0.001)
    assert nearest[0] == 0


def test_london_paris_great_circle():
    # London (51.5074 N, 0.1278 W) to Paris (48.8566 N, 2.3522 E): about 344 km.
    assert great_circle_km(51.5074, -0.1278, 48.8566, 2.3522) == pytest.approx(343.6, abs=0.5)


def test_bundled_regions_are_sourced():
    centres = load_data_centres(None)
    assert len(centres) >= 40
    assert {"aws", "azure", "gcp"} <= set(centres.provider)
    assert (np.abs(centres.lat_deg) <= 90).all() and (np.abs(centres.lon_deg) <= 180).all()
    from importlib import resources
    text = resources.files("aether.data").joinpath("cloud_regions.csv").read_text()
    rows = text.splitlines()[1:]
    assert all("https://" in r for r in rows)


def test_fibre_baseline_in_the_network_stage(tmp_path):
    # The stage's fibre figures for a scenario whose only data centre is in Paris, with the
    # route factor 2.0 (about the 2.1x of measured Internet latency, Bozkurt et al. 2018).
    # London (the site at 51.51 N 0.13 W) to Paris is 343.9 km on the great circle (see
    # above), so the round trip takes 2 x 343.9 km x 2.0 x 1.468 / 299,792.458 km/s =
    # 6.736 ms. Lagos (6.45 N 3.39 E) lies almost due south: 42.41 deg of latitude is
    # 42.41 x pi / 180 x 6371.0 = 4,715 km, and the 1.04 deg of longitude at the mid
    # latitude, 27.65 deg, moves it 102 km sideways: sqrt(4715^2 + 102^2) = 4,716 km, 92.38 ms.
    (tmp_path / "dc.csv").write_text("name,provider,lat,lon\nParis,test,48.8566,2.3522\n")
    scenario = make({"data_centres": "dc.csv", "fibre_route_factor": 2.0}, base_dir=tmp_path)
    result = simulate_network(scenario, build_orbits(scenario), TimeGrid(scenario.run.start, 60.0, 1))
    sites = result.metrics()["sites"]
    assert sites["London"]["fibre_region"] == "Paris"
    assert sites["London"]["fibre_rtt_ms"] == pytest.approx(6.736, abs=0.01)
    assert sites["Lagos"]["fibre_rtt_ms"] == pytest.approx(92.38, abs=0.1)
