import numpy as np
import pytest

from aether.network.fibre import (
    DataCentres,
    fibre_rtt_ms,
    great_circle_km,
    load_data_centres,
)


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
