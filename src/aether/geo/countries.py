"""Which country a point on the Earth lies in: Natural Earth admin-0 polygons (public
domain) at 1:10m, vendored from the npm package world-atlas by scripts/vendor_countries.py
into aether/data/countries.npz, answered as ISO 3166-1 alpha-2 codes.

A point is looked up in a 0.1 degree raster first; only points in cells that a border or a
coast may cross (about 5 % of cells) are tested against the exact polygons (shapely
STRtree). The source is quantised to about 300 m; a country that this collapses (Vatican
City) is the box its quantised points lie in. Ocean and Antarctica answer none (index -1):
no state is sovereign there (Antarctic Treaty, art. IV). Disputed areas follow Natural
Earth's admin-0 (de facto control); the few features without an ISO id take the code
GeoNames gives places there (Kosovo XK, Northern Cyprus CY, Somaliland SO, Siachen
Glacier IN; docs/sovereignty.md lists them all).
"""

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

NONE = "none"  # what a point in no country answers, in outputs
# Raster value of a cell that needs the exact polygons (scripts/vendor_countries.py).
_MIXED = 65535


@dataclass(frozen=True)
class CountryMap:
    """The vendored polygons, their codes and the coarse raster."""

    codes: tuple[str, ...]        # distinct alpha-2 codes; lookups answer indices into it
    feature_code: np.ndarray      # [polygon] index into codes
    geometries: np.ndarray        # [polygon] shapely Polygons, lon/lat degrees
    raster: np.ndarray            # [row, col] 0 none, 1 + code index, or _MIXED
    raster_deg: float

    @property
    def tree(self):
        """STRtree of the polygons, which are prepared (built once per process)."""
        return _tree()

    def lookup(self, lat_deg, lon_deg) -> np.ndarray:
        """Index into codes of the country holding each point (-1: none), any shape."""
        import shapely

        lat, lon = np.broadcast_arrays(np.asarray(lat_deg, float), np.asarray(lon_deg, float))
        shape = lat.shape
        lat, lon = lat.ravel(), (lon.ravel() + 180.0) % 360.0 - 180.0
        rows, cols = self.raster.shape
        row = np.clip(((90.0 - lat) / self.raster_deg).astype(np.int64), 0, rows - 1)
        col = np.clip(((lon + 180.0) / self.raster_deg).astype(np.int64), 0, cols - 1)
        cell = self.raster[row, col]
        out = cell.astype(np.int16) - 1
        mixed = np.flatnonzero(cell == _MIXED)
        if mixed.size:
            # Bounding boxes from the tree, then the prepared polygons (shapely prepares the
            # query's points, not the tree's polygons, when the tree is given a predicate:
            # about 10x slower here).
            points = shapely.points(lon[mixed], lat[mixed])
            point, feature = self.tree.query(points)
            inside = shapely.intersects(self.geometries[feature], points[point])
            point, feature = point[inside], feature[inside]
            found = np.full(mixed.size, -1, np.int16)
            found[point[::-1]] = self.feature_code[feature[::-1]]  # the first polygon wins
            out[mixed] = found
        return out.reshape(shape)

    def exact_lookup(self, lat_deg, lon_deg) -> np.ndarray:
        """The same answer from the polygons alone (every point through the STRtree): the
        plain shapely reference for tests and benchmarks."""
        import shapely

        lat, lon = np.broadcast_arrays(np.asarray(lat_deg, float), np.asarray(lon_deg, float))
        flat_lon = (lon.ravel() + 180.0) % 360.0 - 180.0
        out = np.full(lat.size, -1, np.int16)
        point, feature = self.tree.query(shapely.points(flat_lon, lat.ravel()), predicate="within")
        out[point[::-1]] = self.feature_code[feature[::-1]]
        return out.reshape(lat.shape)

    def lookup_ground(self, lat_deg, lon_deg, shore_deg: float = 0.02) -> np.ndarray:
        """lookup for places on the ground: a point at sea within shore_deg of a country (a
        city on a shoreline the 300 m outline misses) takes that country."""
        import shapely

        out = self.lookup(lat_deg, lon_deg)
        sea = np.flatnonzero(out.ravel() == -1)
        if sea.size:
            lat, lon = (np.broadcast_to(np.asarray(a, float), out.shape).ravel()[sea] for a in (lat_deg, lon_deg))
            point, feature = self.tree.query_nearest(shapely.points((lon + 180.0) % 360.0 - 180.0, lat),
                                                     max_distance=shore_deg, all_matches=False)
            flat = out.ravel()
            flat[sea[point]] = self.feature_code[feature]
            out = flat.reshape(out.shape)
        return out

    def names(self, index: np.ndarray) -> np.ndarray:
        """Alpha-2 codes (NONE for -1) of lookup indices, same shape."""
        table = np.array([*self.codes, NONE], object)
        return table[np.asarray(index)]

    def index_of(self, codes) -> np.ndarray:
        """Indices of alpha-2 codes in codes (-1 for one no polygon carries, such as AQ)."""
        position = {c: k for k, c in enumerate(self.codes)}
        return np.array([position.get(c, -1) for c in codes], np.int16)


@lru_cache(maxsize=1)
def country_map() -> CountryMap:
    """The bundled country map, loaded once per process."""
    import shapely

    with resources.files("aether.data").joinpath("countries.npz").open("rb") as f:
        data = np.load(f, allow_pickle=False)
        codes = tuple(str(c) for c in data["codes"])
        position = {c: k for k, c in enumerate(codes)}
        feature_code = np.array([position[str(c)] for c in data["code"]], np.int16)
        polygons = shapely.from_ragged_array(shapely.GeometryType.POLYGON, data["coords"].astype(float),
                                             (data["ring_offsets"], data["polygon_offsets"]))
        return CountryMap(codes, feature_code, polygons, data["raster"], float(data["raster_deg"]))


@lru_cache(maxsize=1)
def _tree():
    import shapely

    geometries = country_map().geometries
    shapely.prepare(geometries)
    return shapely.STRtree(geometries)


def country_codes(lat_deg, lon_deg, ground: bool = False) -> np.ndarray:
    """Alpha-2 code (or NONE) of each point, as an object array of the points' shape; ground:
    a place on the ground, which takes the country of a shore within 0.02 deg (2 km)."""
    m = country_map()
    return m.names(m.lookup_ground(lat_deg, lon_deg) if ground else m.lookup(lat_deg, lon_deg))
