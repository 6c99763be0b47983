"""Satellites as plain data: each Satrec's sgp4init arguments and identity, and Satrecs
rebuilt from them.

Satrec objects cannot be pickled, so an OrbitSet travels to worker processes (spawned on
macOS and Windows, or in a caller's executor) and into saved Results as these records. An
OrbitSet propagates only satellites rebuilt from its records, in the parent as in any
worker, so results never depend on where they ran. A rebuild is bit-identical for
satellites made by sgp4init (generated orbits, OMM); for one read from a TLE, whose epoch
sgp4init takes as a single float, the epoch is restored exactly and deep-space terms
agree to round-off (below a micrometre in LEO). The identity fields sgp4init leaves out
(international designator, element and revolution numbers, ...) are set back, so TLE and
OEM exports are unchanged. Every satellite uses WGS72, SGP4's defining constants.
"""

import numpy as np
from sgp4.api import WGS72, Satrec

from aether.constants import JD_SGP4_EPOCH0

# sgp4init's arguments after (whichconst, opsmode, satnum), in its order.
_ELEMENTS = ("epoch_days", "bstar", "ndot", "nddot", "ecco", "argpo", "inclo", "mo", "no_kozai", "nodeo")
# Attributes set back after sgp4init: the exact epoch split, and the satellite's identity.
_RESTORED = ("jdsatepoch", "jdsatepochF", "classification", "intldesg", "elnum", "revnum", "ephtype")
RECORD = np.dtype(
    [("operationmode", "U1"), ("satnum", np.int64)] + [(name, np.float64) for name in _ELEMENTS]
    + [("jdsatepoch", np.float64), ("jdsatepochF", np.float64), ("classification", "U1"),
       ("intldesg", "U11"), ("elnum", np.int64), ("revnum", np.int64), ("ephtype", np.int64)]
)


def satrec_records(satrecs: list[Satrec]) -> np.ndarray:
    """One RECORD per satellite."""
    records = np.zeros(len(satrecs), RECORD)
    for name in RECORD.names:
        if name == "epoch_days":
            records[name] = [(s.jdsatepoch - JD_SGP4_EPOCH0) + s.jdsatepochF for s in satrecs]
        else:
            records[name] = [getattr(s, name) for s in satrecs]
    return records


def satrecs_from_records(records: np.ndarray) -> list[Satrec]:
    """Initialised Satrecs from RECORDs."""
    columns = {name: records[name].tolist() for name in RECORD.names}
    satrecs = []
    for k in range(len(records)):
        sat = Satrec()
        sat.sgp4init(WGS72, columns["operationmode"][k], columns["satnum"][k],
                     *(columns[name][k] for name in _ELEMENTS))
        for name in _RESTORED:
            setattr(sat, name, columns[name][k])
        satrecs.append(sat)
    return satrecs
