"""Country lookup benchmark: the country under every satellite of Starlink shell 1 (72 x 22
= 1,584 satellites) at every step of one day at 10 s (8,640 steps, 13.7 million lookups),
on one core.

Prints the seconds for all lookups (geodetic latitude and longitude from the Earth-fixed
positions, then aether.geo's raster with exact polygons near borders), against plain shapely
point-in-polygon (every point through the STRtree of the same polygons) timed on a sample of
steps and scaled, as a ratio; the two must give the same answer on the sample.

    .venv/bin/python benchmarks/countries.py            # the whole day
    .venv/bin/python benchmarks/countries.py --steps 1000
"""

import argparse
import time

import numpy as np

from aether.geo import country_map
from aether.network.sovereignty import subsatellite_country
from aether.orbit import Propagated, build_orbits, ecef_to_geodetic
from aether.scenario import load_scenario
from aether.timegrid import TimeGrid

# Plain shapely is timed on every this-many-th step and scaled to the whole run.
SAMPLE_EVERY = 40


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=8640)
    args = parser.parse_args()
    scenario = load_scenario("starlink-shell1")
    orbits = build_orbits(scenario)
    grid = TimeGrid(scenario.run.start, 10.0, args.steps)
    countries = country_map()
    countries.lookup(0.0, 0.0)  # load the map and build the tree before timing
    fast_s = plain_s = 0.0
    sampled = agree = 0
    counts = np.zeros(len(countries.codes) + 1, np.int64)
    for steps, r in Propagated(orbits, grid).chunks(slice(None)):
        started = time.perf_counter()
        found = subsatellite_country(r)
        fast_s += time.perf_counter() - started
        counts += np.bincount(found.ravel() + 1, minlength=counts.size)
        pick = np.flatnonzero(np.arange(steps.start, steps.stop) % SAMPLE_EVERY == 0)
        if pick.size:
            started = time.perf_counter()
            lat, lon, _ = ecef_to_geodetic(r[pick, :, 0], r[pick, :, 1], r[pick, :, 2])
            plain = countries.exact_lookup(lat, lon)
            plain_s += time.perf_counter() - started
            sampled += plain.size
            agree += int((plain == found[pick]).sum())
    lookups = args.steps * len(orbits)
    plain_total_s = plain_s / sampled * lookups
    print(f"countries under {len(orbits):,} satellites x {args.steps:,} steps = {lookups / 1e6:.1f} M lookups "
          f"on one core: {fast_s:.2f} s ({fast_s / lookups * 1e9:.0f} ns each; target under 20 s for 13.7 M)")
    print(f"plain shapely point-in-polygon: {plain_s:.2f} s for {sampled:,} sampled lookups, "
          f"{plain_total_s:.1f} s scaled to all: ratio {plain_total_s / fast_s:.1f}x; "
          f"same answer on {agree:,} of {sampled:,}")
    over = counts[1:] / lookups
    top = np.argsort(over)[::-1][:5]
    print(f"over no country {counts[0] / lookups:.1%}; most often over "
          + ", ".join(f"{countries.codes[i]} {over[i]:.1%}" for i in top))
    if agree != sampled:
        raise SystemExit("the raster and plain shapely disagree")


if __name__ == "__main__":
    main()
