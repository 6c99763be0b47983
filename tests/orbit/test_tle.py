"""TLE reading, checking, writing and ordering."""

import numpy as np
import pytest

from aether.orbit import elements
from aether.orbit.tle import TLEError, checksum, format_tles, order_into_planes, parse_tles

# ISS (ZARYA) as CelesTrak published it, 2008-09-20 (also Vallado/sgp4 documentation example).
ISS = """ISS (ZARYA)
1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2927
2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537
"""


def test_checksum_of_published_lines():
    line1, line2 = ISS.splitlines()[1:]
    assert checksum(line1) == 7 and checksum(line2) == 7


def test_three_line_and_two_line_forms():
    (three,) = parse_tles(ISS)
    (two,) = parse_tles("\n".join(ISS.splitlines()[1:]), default_name="x")
    assert three.name == "ISS (ZARYA)" and two.name == "x-0"
    assert three.satrec().inclo == pytest.approx(np.radians(51.6416))


def test_read_write_read_gives_the_same_elements():
    original = [t.satrec() for t in parse_tles(ISS)]
    shell = elements.to_satrecs(
        elements.circular(elements.mean_motion_rad_min(550, 0.925), 0.925,
                          *elements.walker_delta_angles(12, 3, 1)), (2461000.5, 0.25))
    satrecs = original + shell
    names = ["ISS (ZARYA)"] + [f"s{k}" for k in range(12)]
    again = parse_tles(format_tles(satrecs, names))
    assert [t.name for t in again] == names
    for before, after in zip(satrecs, (t.satrec() for t in again), strict=True):
        for field, tol in [("inclo", 1e-6), ("nodeo", 1e-6), ("ecco", 1e-7), ("argpo", 1e-6),
                           ("mo", 1e-6), ("no_kozai", 1e-10), ("bstar", 1e-9)]:
            assert getattr(after, field) == pytest.approx(getattr(before, field), abs=tol), field
        assert after.jdsatepoch + after.jdsatepochF == pytest.approx(
            before.jdsatepoch + before.jdsatepochF, abs=1e-8)


def test_bad_checksum_is_refused_with_the_line():
    bad = ISS.replace("0  2927", "0  2928")
    with pytest.raises(TLEError, match=r"line 2: checksum is '8' but the line sums to 7"):
        parse_tles(bad)


def test_shifted_column_is_refused():
    lines = ISS.splitlines()
    shifted = "\n".join([lines[0], lines[1], lines[2][:8] + " " + lines[2][8:68]])
    with pytest.raises(TLEError, match="column 12 should hold the decimal point of the inclination"):
        parse_tles(shifted)


def test_mismatched_catalogue_numbers_and_missing_line():
    lines = ISS.splitlines()
    with pytest.raises(TLEError, match="does not match"):
        parse_tles("\n".join([lines[1], lines[2].replace("25544", "25553", 1)]))  # same digit sum
    with pytest.raises(TLEError, match="missing its second line"):
        parse_tles("\n".join(lines[:2]))


def test_order_into_planes_recovers_a_shuffled_walker_shell():
    raan, u = elements.walker_delta_angles(total=40, planes=5, phasing=1, raan0_rad=np.radians(350))
    shell = elements.to_satrecs(elements.circular(0.07, 0.925, raan, u), (2461000.5, 0.0))
    shuffle = np.random.default_rng(1).permutation(40)
    order = order_into_planes([shell[i] for i in shuffle], planes=5, per_plane=8)
    recovered = shuffle[order]
    # Same planes in the same cyclic order, slots rising in argument of latitude.
    assert sorted(recovered[:8]) == list(range(recovered[0] // 8 * 8, recovered[0] // 8 * 8 + 8))
    for plane in recovered.reshape(5, 8):
        assert len({p // 8 for p in plane}) == 1
    with pytest.raises(TLEError, match="cannot be ordered"):
        order_into_planes(shell[:39], planes=5, per_plane=8)
