import numpy as np
import pytest

from aether.network.mesh import plus_grid_pairs
from aether.network.topology import build_topology

from .conftest import PER_PLANE, PLANES


@pytest.mark.parametrize(("planes", "per_plane"), [(3, 3), (6, 10), (72, 22)])
def test_plus_grid_has_2ps_links_and_four_neighbours(planes, per_plane):
    pairs = plus_grid_pairs(planes, per_plane)
    assert len(pairs) == 2 * planes * per_plane
    assert len({tuple(sorted(p)) for p in pairs}) == len(pairs)
    degree = np.bincount(pairs.ravel(), minlength=planes * per_plane)
    assert (degree == 4).all()


def test_plus_grid_links_neighbours_in_plane_and_across():
    pairs = {tuple(p) for p in plus_grid_pairs(4, 5)}
    assert (0, 1) in pairs and (4, 0) in pairs      # next in plane, ring closes
    assert (0, 5) in pairs and (15, 0) in pairs     # same slot, next plane, ring closes


def test_scenario_mesh_covers_the_relay_shell_only(small):
    scenario, orbits, _ = small
    topology = build_topology(scenario, orbits)
    relays = orbits.members("relays")
    assert len(topology.mesh) == 2 * PLANES * PER_PLANE
    assert set(topology.mesh.ravel()) == set(relays)
    assert list(topology.ships) == list(orbits.members("ship"))
