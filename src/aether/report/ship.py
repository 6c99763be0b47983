"""Plots of a ship's day: one inside its eclipse season and one outside it.

The simulation computes the days (aether.ship.day_profiles, kept in Results.ship_days);
this module only draws them.
"""

from itertools import groupby

import numpy as np

from aether.ship import ShipDay, ShipResult


def ship_figures(result: ShipResult, days: list[ShipDay]) -> list:
    """One matplotlib Figure per ship with days: power, battery, radiator temperature and
    delivered compute on its day with the longest eclipse (left) and the shortest (right)."""
    from matplotlib.figure import Figure

    specs = {spec.name: spec for spec in result.specs}
    figures = []
    for name, ship_days in groupby(days, key=lambda day: day.ship):
        spec = specs[name]
        fig = Figure(figsize=(11, 8), layout="constrained")
        axes = fig.subplots(4, 2, sharex=True)
        for col, day in enumerate(ship_days):
            hours = day.seconds / 3600.0
            ax = axes[:, col]
            ax[0].plot(hours, day.solar_w / 1e6, label="solar")
            ax[0].plot(hours, day.load_w / 1e6, label="load")
            ax[0].set_ylabel("MW")
            ax[0].legend(loc="lower right")
            ax[0].set_title(f"{name}: {day.start:%Y-%m-%d} ({day.label}, {day.eclipse_min:.1f} min)")
            ax[1].plot(hours, day.soc * 100)
            ax[1].set_ylabel("battery SoC %")
            ax[1].set_ylim(0, 105)
            ax[2].plot(hours, day.temperature_c)
            ax[2].axhline(spec.design.radiator_limit_c, color="r", lw=0.8, ls="--")
            ax[2].set_ylabel("radiator C")
            ax[3].plot(hours, day.pflops)
            ax[3].set_ylabel("PFLOPS")
            ax[3].set_ylim(0, spec.nominal_pflops * 1.05)
            ax[3].set_xlabel("hours (UTC)")
        figures.append(fig)
    return figures


def drag_plots(drag: dict) -> list:
    """One Figure per compute entry (aether.ship.drag): altitude without propulsion from the run's
    start (left) and the delta-v each year of station keeping costs (right), over the solar
    cycle at low, mid and high activity."""
    from matplotlib.figure import Figure

    figures = []
    for name, fig_data in drag.items():
        fig = Figure(figsize=(11, 4), layout="constrained")
        left, right = fig.subplots(1, 2)
        for activity, fall in fig_data.decays.items():
            left.plot(fig_data.start_year + fall.days / 365.25, fall.altitude_km[:, 0], label=activity)
            per_year = fig_data.dv_m_s_per_year[activity]
            right.step(fig_data.start_year + np.arange(per_year.size), per_year, where="post", label=activity)
        left.set_title(f"{name}: decay without propulsion")
        left.set_xlabel("year")
        left.set_ylabel("altitude km")
        left.legend(title="solar activity")
        right.set_title(f"{name}: station keeping against drag")
        right.set_xlabel("year")
        right.set_ylabel("delta-v m/s per year")
        right.legend(title="solar activity")
        figures.append(fig)
    return figures
