"""`aether cost SCENARIO [--json]`: the fleet's cost and footprint against the ground.

The ship is the scenario's first Compute Ship as the ship stage sizes and runs it over
the scenario's time grid; the fleet, cost and ground sections come from the scenario.
"""

import json
from typing import Annotated

import typer

from aether.scenario import load_scenario


def _money(x) -> str:
    return "n/a" if x is None else f"${x:,.2f}"


def cost(
    scenario: Annotated[str, typer.Argument(help="YAML path or preset name")] = "project-aether",
    json_output: Annotated[bool, typer.Option("--json", help="print only the JSON")] = False,
):
    """Fleet over the years, cost per GPU-hour, break-even launch price and footprint."""
    from aether.scenario import ScenarioError
    from aether.simulate import plan_scenario_fleet, simulate_compute_ships

    loaded = load_scenario(scenario)
    _, ships = simulate_compute_ships(loaded)
    result = plan_scenario_fleet(loaded, ships)
    if result is None:
        raise ScenarioError([f"{loaded.origin}: spacecraft: no compute spacecraft to cost "
                             "(allowed: at least one entry with role: compute)"])
    metrics = result.metrics()
    if json_output:
        typer.echo(json.dumps({k: metrics[k] for k in ("cost", "sustainability", "fleet")}, indent=2))
        return
    ship, fleet = result.ship, loaded.fleet
    c, s = metrics["cost"], metrics["sustainability"]
    typer.echo(f"{loaded.name}: {fleet.ships} ship(s) x {ship.gpus:,} {ship.gpu_model}, "
               f"{fleet.years} years, lifetime {fleet.lifetime_years} years")
    typer.echo(f"  orbit   {_money(c['orbit']['usd_per_gpu_hour'])}/GPU-hour   "
               f"ground {_money(c['ground']['usd_per_gpu_hour'])}/GPU-hour")
    be = c["breakeven_launch_usd_per_kg"]
    typer.echo(f"  break-even launch price: {'none' if be is None else f'${be:,.0f}/kg'} "
               f"({c['breakeven_verdict']})")
    typer.echo(f"  launched power: ${c['launched_power_usd_per_kw_year']:,.0f}/kW/yr at "
               f"${c['mean_launch_usd_per_kg']:,.0f}/kg mean; {c['launches']} launches")
    for side in ("orbit", "ground"):
        f = s[side]
        typer.echo(f"  {side:<6}  energy {f['energy_mwh']:,.0f} MWh, water {f['water_m3']:,.0f} m3, "
                   f"CO2 {f['co2_t']:,.0f} t")
    if c["sensitivity"]:
        top = c["sensitivity"][0]
        typer.echo(f"  most sensitive: {top['input']} (±{top['share']:.0%}: "
                   f"{_money(top['low_usd_per_gpu_hour'])} to {_money(top['high_usd_per_gpu_hour'])})")
