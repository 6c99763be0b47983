"""Every link respects its rules: laser range, clearance above 80 km, ground elevation."""

import numpy as np

from aether.network.geometry import segment_clearance_km
from aether.network.topology import (
    DOWNLINK,
    FORMATION,
    MESH,
    TERMINAL,
    UPLINK,
    build_topology,
    iter_snapshots,
)
from aether.orbit import Propagated
from aether.orbit.propagate import iter_chunks


def test_no_link_exceeds_range_or_dips_below_80_km(small):
    scenario, orbits, grid = small
    s = scenario.network
    topology = build_topology(scenario, orbits)
    positions = np.concatenate([c.r_ecef_km for c in iter_chunks(orbits.array(), len(orbits), grid)])
    seen_mesh = []
    for k, snap in enumerate(iter_snapshots(topology, Propagated(orbits, grid), grid)):
        r = positions[k]
        laser = np.isin(snap.kind, [MESH, FORMATION, TERMINAL])
        a, b = r[snap.src[laser]], r[snap.dst[laser]]
        length = np.linalg.norm(b - a, axis=1)
        assert np.allclose(length, snap.km[laser])
        assert (length <= s.laser_range_km + 1e-9).all()
        assert (segment_clearance_km(a, b) >= s.los_min_altitude_km).all()
        seen_mesh.append((snap.kind == MESH).sum() // 2)
        up = snap.kind == UPLINK
        sites = snap.src[up] - topology.n_sats
        elevation = topology.stations.elevation_deg(r)[sites, snap.dst[up]]
        assert (elevation >= s.ground_min_elevation_deg - 1e-9).all()
        assert (snap.kind == DOWNLINK).sum() == up.sum()
    # Some +Grid links are cut by range or the atmosphere, and never all of them.
    assert 0 < min(seen_mesh) and max(seen_mesh) < len(topology.mesh)


def test_slant_range_limit_and_elevation_mask_agree_with_brute_force(small):
    # Brute force built without the network's own geometry: each site's Earth-fixed position
    # from skyfield's WGS84 model, its local vertical as the normal of the ellipsoid there,
    # (x / a^2, y / a^2, z / b^2) normalised, and elevation = asin(up . d / |d|).
    from skyfield.api import wgs84

    scenario, orbits, grid = small
    topology = build_topology(scenario, orbits)
    r = next(iter_chunks(orbits.array(), len(orbits), grid)).r_ecef_km[0]
    g, n, km = topology.stations.visible(r, 5.0, 3000.0)
    site = wgs84.latlon(topology.site_lat_deg, topology.site_lon_deg).itrs_xyz.km.T
    a, b = 6378.137, 6378.137 * (1 - 1 / 298.257223563)
    up = site / np.array([a * a, a * a, b * b])
    up /= np.linalg.norm(up, axis=1, keepdims=True)
    d = r[None] - site[:, None]
    slant = np.linalg.norm(d, axis=-1)
    elevation = np.degrees(np.arcsin(np.einsum("gnk,gk->gn", d, up) / slant))
    expected = (elevation >= 5.0) & (slant <= 3000.0)
    assert 0 < expected.sum() < expected.size
    got = np.zeros_like(expected)
    got[g, n] = True
    assert (got == expected).all()
    assert np.allclose(km, slant[g, n], rtol=0, atol=1e-6)


def test_clearance_of_a_chord_through_the_earth_is_negative():
    a = np.array([7000.0, 0, 0])
    b = np.array([-7000.0, 0, 0])
    assert segment_clearance_km(a, b) < 0
    assert np.isclose(segment_clearance_km(a, a + [0, 100, 0]), 7000 - 6378.137)
