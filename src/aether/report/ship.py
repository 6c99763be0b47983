"""Plots of a ship's day: one inside its eclipse season and one outside it.

Each day is re-run on its own 1-day grid (60 s steps) at the date the orbit stage's
seasons name, so the report shows both whatever the run's own dates.
"""

from datetime import timedelta

import numpy as np

from aether.ship import ShipResult, run_ships

DAY_STEP_S = 60.0


def season_days(orbit_result, satellite: int) -> tuple[int, int]:
    """Day indices (into the seasons) with the longest and the shortest eclipse."""
    eclipse = orbit_result.seasons.eclipse_min_per_orbit[satellite]
    return int(np.argmax(eclipse)), int(np.argmin(eclipse))


def day_timelines(orbit_result, satellite: int, day: int, step_s: float = DAY_STEP_S):
    """Shadow [time] and beta [time] of one satellite over one day of the seasons, from
    the orbit stage run on that satellite alone."""
    from aether.orbit import OrbitSet, run_orbit_stage
    from aether.timegrid import TimeGrid

    name = orbit_result.orbits.names[satellite]
    alone = OrbitSet(names=[name], group_names=[name], group_of=np.zeros(1, int),
                     satrecs=[orbit_result.orbits.satrecs[satellite]], derived={name: {}})
    grid = TimeGrid.from_duration(orbit_result.grid.start + timedelta(days=day), 86400.0, step_s)
    track = run_orbit_stage(alone, grid, tracked=np.zeros(1, int)).tracks[name]
    return grid, track.sunlit, track.beta_deg


def ship_figures(result: ShipResult, orbit_result, max_ships: int = 4) -> list:
    """One matplotlib Figure per ship (first of each group, at most max_ships): power,
    battery, radiator temperature and delivered compute on a day inside the eclipse season
    (left) and one outside it (right)."""
    from matplotlib.figure import Figure

    figures, seen = [], set()
    for spec in result.specs:
        if spec.group in seen or len(figures) >= max_ships:
            continue
        seen.add(spec.group)
        satellite = orbit_result.orbits.names.index(spec.name)
        fig = Figure(figsize=(11, 8), layout="constrained")
        axes = fig.subplots(4, 2, sharex=True)
        for col, (label, day) in enumerate(zip(("longest eclipse", "shortest eclipse"),
                                               season_days(orbit_result, satellite), strict=True)):
            grid, sunlit, beta = day_timelines(orbit_result, satellite, day)
            run = run_ships([spec], sunlit[:, None], beta[:, None], grid.step_s)
            hours = grid.seconds / 3600.0
            ax = axes[:, col]
            ax[0].plot(hours, run.solar_w[:, 0] / 1e6, label="solar")
            ax[0].plot(hours, run.load_w[:, 0] / 1e6, label="load")
            ax[0].set_ylabel("MW")
            ax[0].legend(loc="lower right")
            ax[0].set_title(f"{spec.name}: {grid.start:%Y-%m-%d} ({label}, "
                            f"{orbit_result.seasons.eclipse_min_per_orbit[satellite, day]:.1f} min)")
            ax[1].plot(hours, run.soc[:, 0] * 100)
            ax[1].set_ylabel("battery SoC %")
            ax[1].set_ylim(0, 105)
            ax[2].plot(hours, run.temperature_c[:, 0])
            ax[2].axhline(spec.design.radiator_limit_c, color="r", lw=0.8, ls="--")
            ax[2].set_ylabel("radiator C")
            ax[3].plot(hours, run.pflops[:, 0])
            ax[3].set_ylabel("PFLOPS")
            ax[3].set_ylim(0, spec.nominal_pflops * 1.05)
            ax[3].set_xlabel("hours (UTC)")
        figures.append(fig)
    return figures
