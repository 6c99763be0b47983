"""Two-line element sets: reading (two- and three-line, as CelesTrak publishes them),
checking, writing, and ordering into planes for a laser mesh.

Parsing of the numbers is sgp4's own (Satrec.twoline2rv); this module adds the checks
that sgp4 leaves out (checksums, column layout, matching catalogue numbers) so that a
damaged file is refused with the line and column at fault, and export_tle for writing.
"""

from dataclasses import dataclass

import numpy as np
from sgp4.api import WGS72, Satrec
from sgp4.exporter import export_tle

# Columns (0-based) that must hold a decimal point in a well-formed TLE, and the field.
_LINE1_POINTS = {23: "epoch day"}
_LINE2_POINTS = {
    11: "inclination",
    20: "right ascension of the node",
    37: "argument of perigee",
    46: "mean anomaly",
    54: "mean motion",
}


class TLEError(ValueError):
    """A TLE that cannot be used; the message names the line and what is wrong."""


@dataclass(frozen=True)
class TLE:
    name: str
    line1: str
    line2: str

    def satrec(self) -> Satrec:
        return Satrec.twoline2rv(self.line1, self.line2, WGS72)


def checksum(line: str) -> int:
    """TLE checksum: the sum of the digits in columns 1-68, minus signs counting 1, mod 10."""
    return sum(int(ch) if ch.isdigit() else ch == "-" for ch in line[:68]) % 10


def _check_line(line: str, number: int, line_no: int, check_checksum: bool) -> None:
    where = f"line {line_no}"
    if not line.startswith(f"{number} "):
        raise TLEError(f"{where}: should start with '{number} ', found {line[:2]!r}")
    if len(line) < 69:
        raise TLEError(f"{where}: has {len(line)} characters, a TLE line has 69")
    points = _LINE1_POINTS if number == 1 else _LINE2_POINTS
    for column, field in points.items():
        if line[column] != ".":
            raise TLEError(
                f"{where}: column {column + 1} should hold the decimal point of the {field} "
                "(columns shifted?)"
            )
    if check_checksum and (not line[68].isdigit() or int(line[68]) != checksum(line)):
        raise TLEError(
            f"{where}: checksum is {line[68]!r} but the line sums to {checksum(line)}"
        )


def parse_tles(text: str, default_name: str = "sat", check_checksum: bool = True) -> list[TLE]:
    """All element sets in a two- or three-line text, each checked.

    check_checksum=False admits hand-edited sets (Vallado's verification file has some).
    """
    lines = [raw.rstrip() for raw in text.splitlines() if raw.strip()]
    tles: list[TLE] = []
    k = 0
    while k < len(lines):
        name = None
        if not lines[k].startswith("1 "):
            name = lines[k].removeprefix("0 ").strip()
            k += 1
        if k + 1 >= len(lines):
            raise TLEError(f"line {k + 1}: element set is missing its second line")
        line1, line2 = lines[k], lines[k + 1]
        _check_line(line1, 1, k + 1, check_checksum)
        _check_line(line2, 2, k + 2, check_checksum)
        if line1[2:7] != line2[2:7]:
            raise TLEError(
                f"line {k + 2}: catalogue number {line2[2:7].strip()} does not match "
                f"line {k + 1}'s {line1[2:7].strip()}"
            )
        tles.append(TLE(name or f"{default_name}-{len(tles)}", line1, line2))
        k += 2
    if not tles:
        raise TLEError("no element sets found")
    return tles


def format_tles(satrecs: list[Satrec], names: list[str]) -> str:
    """Three-line text for these satellites (sgp4's exporter writes the element lines).

    TLEError for a satellite without a catalogue number a TLE can hold (an OMM number past
    Alpha-5's 339999 reaches sgp4 as 0): a TLE of it would name another object.
    """
    out = []
    for name, sat in zip(names, satrecs, strict=True):
        if sat.satnum == 0:
            raise TLEError(f"{name}: its catalogue number does not fit a TLE (allowed: 1 to 339999, "
                           "Alpha-5); an OEM export holds any satellite")
        line1, line2 = export_tle(sat)
        out += [name, line1, line2]
    return "\n".join(out) + "\n"


def order_into_planes(satrecs: list[Satrec], planes: int, per_plane: int) -> np.ndarray:
    """Indices that order satellites plane by plane, and by argument of latitude within a plane.

    Planes are found by splitting the sorted node longitudes at their planes-1 widest gaps.
    Raises TLEError when the set does not divide into planes x per_plane.
    """
    if len(satrecs) != planes * per_plane:
        raise TLEError(
            f"{len(satrecs)} satellites cannot be ordered as {planes} planes x {per_plane}"
        )
    raan = np.array([s.nodeo for s in satrecs])
    u = np.array([np.mod(s.argpo + s.mo, 2.0 * np.pi) for s in satrecs])
    by_raan = np.argsort(raan)
    sorted_raan = raan[by_raan]
    gaps = np.diff(np.concatenate([sorted_raan, [sorted_raan[0] + 2.0 * np.pi]]))
    # Start the first plane just after the widest gap so that no plane straddles 0/360.
    start = (int(np.argmax(gaps)) + 1) % len(raan)
    by_raan = np.roll(by_raan, -start)
    gaps = np.roll(gaps, -start)[:-1]
    cuts = np.sort(np.argsort(gaps)[len(gaps) - (planes - 1):] + 1) if planes > 1 else []
    groups = np.split(by_raan, cuts)
    sizes = sorted({len(g) for g in groups})
    if sizes != [per_plane]:
        raise TLEError(
            f"satellites do not fall into {planes} planes of {per_plane}: "
            f"found plane sizes {sizes}"
        )
    return np.concatenate([g[np.argsort(u[g])] for g in groups])
