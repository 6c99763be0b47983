"""Figures of the fleet stage: the fleet over the years, a tornado plot, the cost breakdown.

Built on matplotlib's object API (no pyplot state), so callers own and close them.
"""

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from aether.fleet import FleetResult


def fleet_over_years(result: FleetResult) -> Figure:
    """Ships in service, launched and de-orbited; GPU-hours; launch price; by year."""
    plan, launches = result.plan, result.launches
    years = np.arange(plan.years)
    fig = Figure(figsize=(10, 7.5))
    ax_ships, ax_hours, ax_price = fig.subplots(3, 1, sharex=True)
    ax_ships.step(years, plan.ships_in_service, where="mid", color="k", label="in service")
    ax_ships.bar(years - 0.2, plan.ships_new, width=0.4, color="tab:blue", label="deployed")
    ax_ships.bar(years - 0.2, plan.ships_replaced, width=0.4, bottom=plan.ships_new,
                 color="tab:green", label="replaced / upgraded")
    ax_ships.bar(years + 0.2, plan.ships_deorbited, width=0.4, color="tab:red", label="de-orbited")
    ax_ships.set_ylabel("ships")
    ax_ships.legend(fontsize=8, loc="upper right")
    ax_ships.set_title("The fleet over the years")
    ax_hours.plot(years, plan.gpu_hours / 1e6, "o-", label="orbit, delivered")
    ground = result.ground_baseline.plan
    ax_hours.plot(years, ground.gpu_hours / 1e6, "s--", color="tab:gray", label="ground baseline")
    ax_hours.set_ylabel("GPU-hours (millions)")
    ax_hours.legend(fontsize=8)
    ax_price.plot(years, launches.usd_per_kg, "o-", color="tab:orange")
    ax_price.set_ylabel("launch price ($/kg)")
    ax_price.set_xlabel("plan year")
    fig.tight_layout()
    return fig


def tornado(result: FleetResult) -> Figure:
    """Orbit cost per GPU-hour with each input moved by +/- its share, largest swing on top."""
    rows = result.sensitivity
    fig = Figure(figsize=(9, 0.4 * max(len(rows), 3) + 1.5))
    ax = fig.subplots()
    base = result.orbit_cost.usd_per_gpu_hour
    if not rows:
        ax.text(0.5, 0.5, "sensitivity not computed", ha="center", transform=ax.transAxes)
        return fig
    labels = [f"{r['input']} (±{r['share']:.0%})" for r in rows][::-1]
    low = np.array([r["low_usd_per_gpu_hour"] for r in rows])[::-1]
    high = np.array([r["high_usd_per_gpu_hour"] for r in rows])[::-1]
    y = np.arange(len(rows))
    ax.barh(y, low - base, left=base, color="tab:blue", label="input lower")
    ax.barh(y, high - base, left=base, color="tab:red", label="input higher")
    ax.axvline(base, color="k", lw=1)
    ax.axvline(result.ground_baseline.cost.usd_per_gpu_hour, color="tab:gray", ls="--",
               label="ground baseline")
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_xlabel("orbit cost ($ per delivered GPU-hour)")
    ax.set_title("Sensitivity of the orbit's cost per GPU-hour")
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig


def cost_breakdown(result: FleetResult) -> Figure:
    """Present value per GPU-hour by item, orbit beside ground."""
    fig = Figure(figsize=(8, 5))
    ax = fig.subplots()
    sides = (result.orbit_cost, result.ground_baseline.cost)
    items = list(dict.fromkeys(k for c in sides for k in c.pv_usd if k != "residual"))
    colours = {k: f"C{i % 10}" for i, k in enumerate(items)}
    for x, c in enumerate(sides):
        bottom = 0.0
        total = c.usd_per_gpu_hour
        for item in items:
            pv = c.pv_usd.get(item, 0.0)
            share = pv / c.pv_gpu_hours if c.pv_gpu_hours > 0 else 0.0
            if share <= 0:
                continue
            ax.bar(x, share, bottom=bottom, width=0.6, color=colours[item])
            if share > 0.06 * max(total, 1e-9):
                ax.text(x, bottom + share / 2, f"{item} {share:.2f}", ha="center",
                        va="center", fontsize=7)
            bottom += share
        ax.text(x, bottom, f"${total:.2f}", ha="center", va="bottom")
    ax.legend(handles=[Patch(color=colours[k], label=k) for k in items], fontsize=7,
              loc="upper right")
    ax.set_xticks([0, 1], ["orbit", "ground"])
    ax.set_xlim(-0.5, 2.2)
    ax.set_ylabel("levelised cost ($ per delivered GPU-hour)")
    ax.set_title("Cost breakdown (present values; net of residual credit on top)")
    fig.tight_layout()
    return fig


def fleet_figures(result: FleetResult) -> list[Figure]:
    """The fleet over the years, the tornado plot and the cost breakdown."""
    return [fleet_over_years(result), tornado(result), cost_breakdown(result)]
