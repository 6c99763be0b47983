"""Results as data: the time-series tables, pandas and xarray views hold the run's own
arrays, and the round trips they carry obey the speed of light."""

import numpy as np
import pytest

from aether import load_scenario, simulate
from tests.conftest import small_scenario

C_KM_S = 299792.458  # speed of light, exact (SI)


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    import yaml

    path = tmp_path_factory.mktemp("data") / "small.yaml"
    path.write_text(yaml.safe_dump(small_scenario(duration_h=1)))
    return simulate(load_scenario(str(path)), workers=1)


def test_tables_hold_the_runs_arrays(results):
    tables = results.to_pandas()
    crafts, trips = tables["spacecraft"], tables["round_trips"]
    ship = crafts[crafts.spacecraft == "ship"]
    np.testing.assert_array_equal(ship.soc.to_numpy(), results.ships.soc[:, 0])
    np.testing.assert_array_equal(ship.lat_deg.to_numpy(), results.orbit.tracks["ship"].lat_deg)
    assert str(ship.utc.iloc[0]).startswith("2026-06-21 00:00:00")
    assert (ship.utc.diff().dropna().dt.total_seconds() == results.grid.step_s).all()
    wide = trips.pivot(index="t_s", columns="site", values="rtt_ms")[results.network.site_names]
    np.testing.assert_array_equal(wide.to_numpy(), results.network.rtt_ms.astype(float))


def test_importing_aether_loads_no_data_library():
    """pandas, xarray and pyarrow load when a view or a Parquet file is asked for, not before."""
    import subprocess
    import sys

    probe = ("import aether, sys\n"
             "print(sorted({m.split('.')[0] for m in sys.modules} & {'pandas', 'xarray', 'pyarrow'}))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_parquet_files_read_back_as_the_pandas_tables(results, tmp_path):
    import pandas as pd

    from aether.report.write import write_timeseries

    write_timeseries(results, tmp_path)
    for name, frame in results.to_pandas().items():
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / f"{name}.parquet"), frame)


def test_xarray_view(results):
    data = results.to_xarray()
    assert dict(data.sizes) == {"time": results.grid.n_steps, "spacecraft": 1, "ship": 1,
                                "site": len(results.network.site_names), "group": 1}
    np.testing.assert_array_equal(data.pflops.sel(ship="ship").values, results.ships.pflops[:, 0])
    assert float(data.t_s[-1]) == results.grid.duration_s


def test_round_trips_are_at_least_the_light_time(results):
    # A round trip cannot beat light going straight from the site up to the ship and back.
    # Spherical Earth (6,371 km) for both ends; 25 km allowed for the ellipsoid's flattening.
    tables = results.to_pandas()
    ship = tables["spacecraft"].query("spacecraft == 'ship'").set_index("t_s")
    trips = tables["round_trips"].dropna().join(ship[["lat_deg", "lon_deg", "height_km"]], on="t_s")
    assert len(trips) > 0
    sites = {n: (la, lo) for n, la, lo in zip(results.network.site_names, results.network.lat_deg,
                                              results.network.lon_deg, strict=True)}

    def unit(lat, lon):
        lat, lon = np.radians(lat), np.radians(lon)
        return np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=-1)

    site_lat = np.array([sites[s][0] for s in trips.site])
    site_lon = np.array([sites[s][1] for s in trips.site])
    r_site = 6371.0 * unit(site_lat, site_lon)
    r_ship = (6371.0 + trips.height_km.to_numpy())[:, None] * unit(trips.lat_deg.to_numpy(), trips.lon_deg.to_numpy())
    slant_km = np.linalg.norm(r_ship - r_site, axis=1) - 25.0
    assert (trips.rtt_ms.to_numpy() >= 2e3 * slant_km / C_KM_S).all()
