"""Ephemerides out as CCSDS Orbit Ephemeris Messages (OEM 2.0, KVN; CCSDS 502.0-B-3).

GMAT, STK, Orekit and most mission-analysis tools read OEM. An OEM describes one object
(CCSDS 502.0-B-3 section 5.1), so each satellite gets its own file: its states (position km,
velocity km/s) at every step of the run's grid, in TEME, the frame SGP4 works in (in SANA's
reference-frame registry), on the UTC time scale, exactly as SGP4 gives them.
"""

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from sgp4.api import Satrec, SatrecArray

from aether.files import file_names, inside
from aether.timegrid import TimeGrid

# Satellites propagated together while writing: memory stays bounded for long runs.
_SATELLITES_PER_BLOCK = 64


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


def oem_text(name: str, object_id: str, epochs: list[str], r_km: np.ndarray,
             v_km_s: np.ndarray, originator: str = "AETHER") -> str:
    """One OEM: a header, one metadata block and a state line per epoch."""
    head = (f"CCSDS_OEM_VERS = 2.0\nCREATION_DATE = {_iso(datetime.now(UTC))}\n"
            f"ORIGINATOR = {originator}\n\nMETA_START\nOBJECT_NAME = {name}\n"
            f"OBJECT_ID = {object_id}\nCENTER_NAME = EARTH\nREF_FRAME = TEME\nTIME_SYSTEM = UTC\n"
            f"START_TIME = {epochs[0]}\nSTOP_TIME = {epochs[-1]}\nMETA_STOP\n\n")
    lines = (f"{t} {x:.6f} {y:.6f} {z:.6f} {vx:.9f} {vy:.9f} {vz:.9f}\n"
             for t, (x, y, z), (vx, vy, vz) in zip(epochs, r_km.tolist(), v_km_s.tolist(), strict=True))
    return head + "".join(lines)


def object_id(satrec: Satrec, name: str) -> str:
    """OBJECT_ID as CCSDS 502.0-B-3 recommends it, the international designator in COSPAR's
    form (1998-067A from a TLE's 98067A; two-digit years 57-99 are the 1900s, as for TLE
    epochs), or the satellite's name where it has none (generated orbits)."""
    designator = satrec.intldesg.strip()
    if len(designator) < 6 or not designator[:5].isdigit():
        return name
    year = int(designator[:2])
    return f"{year + (1900 if year >= 57 else 2000)}-{designator[2:]}"


def iter_oem(names: list[str], satrecs: list[Satrec], grid: TimeGrid) -> Iterator[tuple[int, str]]:
    """(satellite index, OEM text) for every satellite with at least one good SGP4 state;
    steps where SGP4 fails (decay) are left out of that satellite's file."""
    epochs = np.array([_iso(grid.start + timedelta(seconds=float(s))) for s in grid.seconds])
    ids = [object_id(sat, name) for sat, name in zip(satrecs, names, strict=True)]
    jd_whole, jd_fraction = grid.jd()
    for first in range(0, len(satrecs), _SATELLITES_PER_BLOCK):
        block = slice(first, first + _SATELLITES_PER_BLOCK)
        error, r_km, v_km_s = SatrecArray(satrecs[block]).sgp4(jd_whole, jd_fraction)
        for k, (name, identifier) in enumerate(zip(names[block], ids[block], strict=True)):
            good = error[k] == 0
            if good.any():
                yield first + k, oem_text(name, identifier, epochs[good].tolist(), r_km[k][good], v_km_s[k][good])


def write_oem_files(folder: Path, names: list[str], satrecs: list[Satrec], grid: TimeGrid) -> int:
    """One `<name>.oem` per satellite in folder (names made safe and unique, a repeated name
    numbered); the count of files written."""
    repeated = {n for n, c in Counter(names).items() if c > 1}
    keys = [f"{n} {k}" if n in repeated else n for k, n in enumerate(names)]
    files = file_names(keys, ".oem")
    count = 0
    for index, text in iter_oem(names, satrecs, grid):
        inside(folder, files[keys[index]]).write_text(text)
        count += 1
    return count
