"""Satellites survive pickling: OrbitSet records rebuild Satrecs that propagate bit for bit,
and the orbit stage's stored positions equal SGP4's."""

import pickle
from importlib import resources

import numpy as np
from sgp4.api import WGS72, Satrec, SatrecArray
from sgp4.exporter import export_tle

from aether.orbit import Propagated, StoredPositions, build_orbits, run_orbit_stage
from aether.orbit.records import satrec_records, satrecs_from_records
from aether.scenario import load_scenario
from aether.timegrid import TimeGrid
from tests.conftest import utc


def _states(satrecs, jd, fr):
    return SatrecArray(satrecs).sgp4(jd, fr)


def test_generated_satellites_rebuild_bit_for_bit():
    scenario = load_scenario("suncatcher-81")
    orbits = build_orbits(scenario)
    copy = pickle.loads(pickle.dumps(orbits))
    grid = TimeGrid(utc(2026, 3, 1, 7, 13, 2), 37.0, 50)
    for a, b in zip(_states(orbits.satrecs, *grid.jd()), _states(copy.satrecs, *grid.jd()), strict=True):
        assert np.array_equal(a, b)
    assert copy.names == orbits.names and np.array_equal(copy.group_of, orbits.group_of)


def test_tle_satellites_rebuild_to_round_off():
    """Vallado's verification set (near-Earth and deep-space): the epoch comes back exactly,
    positions to a relative 1e-9 (sgp4init takes the epoch as one float; deep-space
    lunar-solar terms start from it)."""
    text = resources.files("sgp4").joinpath("SGP4-VER.TLE").read_text()
    lines = [line[:69] for line in text.splitlines() if line.startswith(("1 ", "2 "))]
    satrecs = [Satrec.twoline2rv(lines[k], lines[k + 1], WGS72) for k in range(0, len(lines), 2)]
    rebuilt = satrecs_from_records(satrec_records(satrecs))
    for s, r in zip(satrecs, rebuilt, strict=True):
        assert (s.jdsatepoch, s.jdsatepochF, s.satnum) == (r.jdsatepoch, r.jdsatepochF, r.satnum)
        assert export_tle(r) == export_tle(s)  # identity and elements, as sgp4 writes them
        jd = np.full(5, s.jdsatepoch)
        fr = s.jdsatepochF + np.linspace(0.0, 2.0, 5)
        (e1, r1, _), (e2, r2, _) = _states([s], jd, fr), _states([r], jd, fr)
        assert np.array_equal(e1, e2)
        ok = e1 == 0
        assert np.allclose(r1[ok], r2[ok], rtol=1e-9, atol=1e-6)
        if s.method == "n":  # near-Earth: bit for bit
            assert np.array_equal(r1[ok], r2[ok])


def test_stored_positions_are_the_propagated_ones(tmp_path):
    scenario = load_scenario("iss")
    orbits = build_orbits(scenario)
    grid = TimeGrid(scenario.run.start, 60.0, 300)
    store = StoredPositions.create(tmp_path, grid.n_steps, len(orbits))
    run_orbit_stage(orbits, grid, tracked=[], store=store)
    steps = slice(17, 290)
    stored = list(store.chunks(steps))
    propagated = list(Propagated(orbits, grid).chunks(steps))
    assert [s for s, _ in stored] == [s for s, _ in propagated]
    assert np.array_equal(np.concatenate([r for _, r in stored]),
                          np.concatenate([r for _, r in propagated]))
