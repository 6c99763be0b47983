"""Vendor the country polygons once: Natural Earth admin-0 at 1:10m from the npm package
world-atlas (pinned below), to src/aether/data/countries.npz with its licence beside it.

Run by hand when the pin changes (needs npm on the PATH and shapely, pycountry in the
environment): `python scripts/vendor_countries.py`. The runtime never downloads anything.

What it writes (numpy arrays, no pickles):
- code[p]: ISO 3166-1 alpha-2 of polygon p (pycountry from world-atlas's ISO numeric id);
- coords, ring_offsets, polygon_offsets: the polygons as shapely's ragged arrays
  (shapely.from_ragged_array), lon/lat degrees, one polygon per entry of code;
- raster[row, col]: for a cell of RASTER_DEG degrees (row 0 at 90 deg N, col 0 at 180 deg W),
  1 + the index into codes of the one country that holds the whole cell, 0 where no
  country touches it (ocean, Antarctica), MIXED where it needs the exact polygons.
- codes: the distinct alpha-2 codes, raster values index them.
"""

import io
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

import numpy as np
import pycountry
import shapely

PACKAGE = "world-atlas@2.0.2"
SOURCE = "package/countries-10m.json"
OUT = Path(__file__).resolve().parents[1] / "src" / "aether" / "data"
RASTER_DEG = 0.1
MIXED = 65535

# Natural Earth admin-0 features that carry no ISO 3166-1 numeric id in world-atlas, and the
# alpha-2 code each gets: the code GeoNames gives places there, so bundled cities agree.
NO_ID = {
    "Kosovo": "XK",            # user-assigned code used by the EU, GeoNames and CLDR
    "N. Cyprus": "CY",         # ISO 3166-1 and the UN: part of Cyprus
    "Somaliland": "SO",        # ISO 3166-1 and the UN: part of Somalia
    "Siachen Glacier": "IN",   # held by India (Natural Earth draws de facto control)
    "Indian Ocean Ter.": "AU",  # Christmas and Cocos Islands, Australian external territories
    "Dhekelia": "GB",          # UK Sovereign Base Area on Cyprus
    "Akrotiri": "GB",          # UK Sovereign Base Area on Cyprus
    "Cyprus U.N. Buffer Zone": "CY",
    "USNB Guantanamo Bay": "US",  # held by the US under the 1903 lease
    "Baikonur": "KZ",          # Kazakh territory leased to Russia (GeoNames: KZ)
    "Coral Sea Is.": "AU",
    "Clipperton I.": "FR",
    "Bajo Nuevo Bank": "CO",   # administered by Colombia
    "Serranilla Bank": "CO",   # administered by Colombia
    "Spratly Is.": None,       # claimed in part by six states; Natural Earth gives no holder
    "Scarborough Reef": None,  # claimed by China and the Philippines
}
# Answers "none": no state holds it (Antarctic Treaty, art. IV freezes every claim).
NO_SOVEREIGN = {"AQ", None}


def _fetch() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
        tgz = next(Path(tmp).glob("world-atlas-*.tgz"))
        with tarfile.open(tgz) as tar:
            topo = json.load(tar.extractfile(SOURCE))
            licence = tar.extractfile("package/LICENSE").read().decode()
    return topo, licence


def _arcs(topo: dict) -> list[np.ndarray]:
    """Delta-decoded, dequantised arcs (TopoJSON specification, section 2.1.2 and 2.2)."""
    scale, translate = np.array(topo["transform"]["scale"]), np.array(topo["transform"]["translate"])
    return [np.cumsum(np.array(a, float), axis=0) * scale + translate for a in topo["arcs"]]


def _ring(arcs: list[np.ndarray], indices: list[int]) -> np.ndarray:
    """A ring's points; longitudes unwrapped where it runs along the antimeridian cut (a
    step from -180 to 180), so Russia and Fiji close on the far side (see _wrap)."""
    parts = []
    for k, i in enumerate(indices):
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        parts.append(arc if k == 0 else arc[1:])
    ring = np.concatenate(parts)
    ring[:, 0] = np.unwrap(ring[:, 0], period=360.0)
    return ring


def _wrap(shape):
    """A shape that unwrapping carried past +-180 cut back into -180..180."""
    west, _, east, _ = shape.bounds
    if west >= -180 and east <= 180:
        return shape
    pieces = []
    for shift in (-360.0, 0.0, 360.0):
        piece = shapely.intersection(shape, shapely.box(-180 - shift, -90, 180 - shift, 90))
        if not piece.is_empty:
            pieces.append(shapely.transform(piece, lambda xy, s=shift: xy + [s, 0.0]))
    return shapely.union_all(pieces)


def _geometry(arcs, geometry: dict, half_step: np.ndarray):
    """A feature's polygons. Rings that quantisation collapsed (Vatican City becomes a line of
    three points at this precision) are drawn as the box their quantised points lie in, half
    a quantisation step each way: the true boundary lies within it."""
    polygons = [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry["arcs"]
    shapes = []
    for polygon in polygons:
        outer, *holes = (_ring(arcs, indices) for indices in polygon)
        shape = shapely.Polygon(outer, [h for h in holes if len(h) >= 4]) if len(outer) >= 4 else None
        if shape is None or shape.area == 0:
            (west, south), (east, north) = outer.min(0) - half_step, outer.max(0) + half_step
            shape = shapely.box(west, south, east, north)
        shapes.append(_wrap(shapely.make_valid(shape)))
    return shapely.union_all(shapes)


def _raster(geoms: list, code_index: np.ndarray) -> np.ndarray:
    """Each cell's country (1 + index), 0 for none, MIXED where a border or coast may cross it.

    Every boundary is densified to steps shorter than a cell, so consecutive vertices lie in
    the same or neighbouring cells; cells holding a vertex and their eight neighbours are
    MIXED (a superset of the cells a boundary crosses). Any other cell lies wholly inside
    one polygon or outside all, so its centre answers for it.
    """
    rows, cols = int(round(180 / RASTER_DEG)), int(round(360 / RASTER_DEG))
    boundary = shapely.segmentize(shapely.boundary(np.asarray(geoms, object)), RASTER_DEG / 2)
    xy = shapely.get_coordinates(boundary)
    row = np.clip(((90 - xy[:, 1]) / RASTER_DEG).astype(int), 0, rows - 1)
    col = np.clip(((xy[:, 0] + 180) / RASTER_DEG).astype(int), 0, cols - 1)
    touched = np.zeros((rows + 2, cols + 2), bool)
    touched[row + 1, col + 1] = True
    mixed = np.zeros((rows, cols), bool)
    for dr in (0, 1, 2):
        for dc in (0, 1, 2):
            mixed |= touched[dr:dr + rows, dc:dc + cols]
    mixed[:, 0] |= mixed[:, -1]  # the antimeridian: columns 0 and cols - 1 are neighbours
    mixed[:, -1] |= mixed[:, 0]
    r, c = np.nonzero(~mixed)
    centres = shapely.points(-180 + RASTER_DEG * (c + 0.5), 90 - RASTER_DEG * (r + 0.5))
    tree = shapely.STRtree(geoms)
    point, feature = tree.query(centres, predicate="within")
    raster = np.full((rows, cols), MIXED, np.uint16)
    raster[r, c] = 0
    raster[r[point], c[point]] = 1 + code_index[feature]
    return raster


def main() -> None:
    topo, licence = _fetch()
    arcs = _arcs(topo)
    half_step = 0.5 * np.array(topo["transform"]["scale"])
    codes, geoms, skipped = [], [], []
    for g in topo["objects"]["countries"]["geometries"]:
        name = g["properties"]["name"]
        if g.get("id") is None:
            code = NO_ID[name]
        else:
            country = pycountry.countries.get(numeric=g["id"])
            if country is None:
                raise SystemExit(f"{name}: ISO numeric {g['id']} unknown to pycountry")
            code = country.alpha_2
        if code in NO_SOVEREIGN or "arcs" not in g:
            skipped.append(name)
            continue
        # One polygon per entry: each part gets its own bounding box in the STRtree, so a
        # point is tested against nearby parts only (France's feature spans the globe).
        parts = shapely.get_parts(shapely.get_parts(_geometry(arcs, g, half_step)))
        parts = [p for p in parts if isinstance(p, shapely.Polygon) and p.area > 0]
        codes += [code] * len(parts)
        geoms += parts
    distinct = sorted(set(codes))
    code_index = np.array([distinct.index(c) for c in codes])
    _, coords, (ring_offsets, polygon_offsets) = shapely.to_ragged_array(geoms)
    raster = _raster(geoms, code_index)
    buffer = io.BytesIO()
    # float32 keeps a metre at 180 deg, finer than the source's quantisation (about 300 m).
    np.savez_compressed(buffer, code=np.array(codes), codes=np.array(distinct),
                        coords=coords.astype(np.float32), ring_offsets=ring_offsets,
                        polygon_offsets=polygon_offsets, raster=raster, raster_deg=np.array(RASTER_DEG))
    (OUT / "countries.npz").write_bytes(buffer.getvalue())
    (OUT / "countries-LICENSE.txt").write_text(
        f"src/aether/data/countries.npz is converted by scripts/vendor_countries.py from {SOURCE}\n"
        f"of the npm package {PACKAGE} (https://github.com/topojson/world-atlas),\n"
        "itself made from Natural Earth's 1:10m Admin 0 - Countries, which is in the public\n"
        "domain (https://www.naturalearthdata.com/about/terms-of-use/).\n\n"
        "world-atlas licence:\n\n" + licence)
    mixed = (raster == MIXED).mean()
    print(f"{len(geoms)} polygons, {len(distinct)} codes, skipped {skipped}; "
          f"{len(buffer.getvalue()) / 1e6:.2f} MB; {mixed:.1%} of cells mixed")


if __name__ == "__main__":
    main()
