"""A ship's day inside and outside its eclipse season, for the report's day plots.

For the first ship of each compute entry (at most DAY_PROFILE_SHIPS), the day of the year
with the longest eclipse and the one with the shortest, as the orbit stage's seasons name
them. Each day runs on its own one-day grid at DAY_STEP_S, through the orbit stage for that
one satellite and the ship model, so the report shows both whatever the run's own dates.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from aether.constants import SECONDS_PER_DAY
from aether.orbit import OrbitResult, run_orbit_stage
from aether.ship.stage import ShipSpec, run_ships
from aether.timegrid import TimeGrid

DAY_STEP_S = 60.0
DAY_PROFILE_SHIPS = 4


@dataclass
class ShipDay:
    """One ship over one day: timelines [time] at DAY_STEP_S from `start`."""

    ship: str
    label: str            # "longest eclipse" or "shortest eclipse"
    start: datetime
    eclipse_min: float    # eclipse per orbit that day, from the seasons
    seconds: np.ndarray
    solar_w: np.ndarray
    load_w: np.ndarray
    soc: np.ndarray
    temperature_c: np.ndarray
    pflops: np.ndarray


def season_days(orbit_result: OrbitResult, satellite: int) -> tuple[int, int]:
    """Day indices (into the seasons) with the longest and the shortest eclipse."""
    eclipse = orbit_result.seasons.eclipse_min_per_orbit[satellite]
    return int(np.argmax(eclipse)), int(np.argmin(eclipse))


def ship_day(spec: ShipSpec, orbit_result: OrbitResult, satellite: int, day: int, label: str) -> ShipDay:
    """The ship on day `day` of the seasons, from the orbit stage run on its satellite alone."""
    grid = TimeGrid.from_duration(orbit_result.grid.start + timedelta(days=day), SECONDS_PER_DAY,
                                  DAY_STEP_S)
    track = run_orbit_stage(orbit_result.orbits.take([satellite]), grid, tracked=[0]).tracks[spec.name]
    run = run_ships([spec], track.sunlit[:, None], track.beta_deg[:, None], grid.step_s)
    return ShipDay(
        ship=spec.name, label=label, start=grid.start,
        eclipse_min=float(orbit_result.seasons.eclipse_min_per_orbit[satellite, day]),
        seconds=grid.seconds, solar_w=run.solar_w[:, 0], load_w=run.load_w[:, 0], soc=run.soc[:, 0],
        temperature_c=run.temperature_c[:, 0], pflops=run.pflops[:, 0],
    )


def day_profiles(specs: list[ShipSpec], orbit_result: OrbitResult,
                 max_ships: int = DAY_PROFILE_SHIPS) -> list[ShipDay]:
    """The longest- then the shortest-eclipse day of the first ship of each entry."""
    firsts: dict[str, ShipSpec] = {}
    for spec in specs:
        if spec.group not in firsts and len(firsts) < max_ships:
            firsts[spec.group] = spec
    days = []
    for spec in firsts.values():
        satellite = orbit_result.orbits.names.index(spec.name)
        longest, shortest = season_days(orbit_result, satellite)
        days += [ship_day(spec, orbit_result, satellite, longest, "longest eclipse"),
                 ship_day(spec, orbit_result, satellite, shortest, "shortest eclipse")]
    return days
