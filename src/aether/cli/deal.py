"""`aether deal [SCENARIO] [--json]`: what the scenario's contract buys, and who profits.

Runs the whole pipeline (the twin's availability, eclipse throttling and inference latency
feed the service credits), then the deal: the fleet the budget buys in orbit and on the
ground, the operator's NPV, IRR, payback and break-even price, the tenant's price against
public clouds.
"""

import json
from typing import Annotated

import typer

from aether.scenario import load_scenario


def _money(x, unit: str = "") -> str:
    return "n/a" if x is None else f"${x:,.2f}{unit}"


def _billions(x) -> str:
    return "n/a" if x is None else f"{'-' if x < 0 else ''}${abs(x) / 1e9:,.2f} B"


def deal(
    scenario: Annotated[str, typer.Argument(help="YAML path or preset name")] = "project-aether",
    json_output: Annotated[bool, typer.Option("--json", help="print only the JSON")] = False,
    workers: Annotated[int | None, typer.Option(min=1, help="processes (default: all cores)")] = None,
):
    """What a multi-year compute contract buys in orbit and on the ground, and who profits."""
    from aether.cli import _run_with_progress
    from aether.scenario import ScenarioError

    loaded = load_scenario(scenario)
    if loaded.contract is None:
        raise ScenarioError([f"{loaded.origin}: contract: the scenario has no contract section "
                             "(allowed: a contract mapping with value_usd, term_years, signed, first_ship; "
                             "see docs/deal.md)"])
    if not loaded.compute_group_names:
        raise ScenarioError([f"{loaded.origin}: spacecraft: no compute spacecraft to put under contract "
                             "(allowed: at least one entry with role: compute)"])
    results = _run_with_progress(loaded, show=not json_output, workers=workers)
    m = results.deal.metrics()
    if json_output:
        typer.echo(json.dumps({"deal": m}, indent=2))
        return
    c, o, g, op, t = m["contract"], m["orbit"], m["ground"], m["operator"], m["tenant"]
    typer.echo(f"{loaded.name}: {_billions(c['value_usd'])} over {c['term_years']} years from the first ship "
               f"({c['lead_years']:.1f} years after signing), paid {c['payment']}; budget {_billions(c['budget_usd'])}")
    typer.echo(f"  orbit   {o['ships']} ships ({o['gpus']:,} {t['cloud_gpu']}, "
               f"at most {o['ships_per_year_max']} a year), "
               f"{o['gpu_hours'] / 1e9:,.2f} B GPU-hours, {o['energy_mwh'] / 1e6:,.2f} TWh of sunlight, "
               f"spends {_billions(o['spend_usd'])}")
    typer.echo(f"  ground  {g['gpus']:,.0f} GPUs, {g['gpu_hours'] / 1e9:,.2f} B GPU-hours, "
               f"{g['energy_mwh'] / 1e6:,.2f} TWh of grid power, {_money(g['usd_per_gpu_hour'])} per GPU-hour")
    if o["tokens"] is not None:
        typer.echo(f"  tokens  orbit {o['tokens'] / 1e15:,.2f} quadrillion, ground {g['tokens'] / 1e15:,.2f} "
                   "quadrillion at full load (the serving model)")
    irr = "n/a" if op["irr"] is None else f"{op['irr']:.1%}"
    payback = "never" if op["payback_years"] is None else f"{op['payback_years']:.1f} years"
    typer.echo(f"  operator NPV {_billions(op['npv_usd'])} at {c['discount_rate']:.0%}, IRR {irr}, payback {payback}, "
               f"break-even {_money(op['breakeven_usd_per_gpu_hour'])} per GPU-hour")
    cloud = t["cloud_usd_per_gpu_hour"]
    typer.echo(f"  tenant  {t['gpu_hours'] / 1e9:,.2f} B GPU-hours at {_money(t['usd_per_gpu_hour'])} each "
               f"({_money(t['usd_per_million_tokens'])} per million tokens) after {_billions(t['credits_usd'])} "
               f"of service credits; clouds list {t['cloud_gpu']} at {_money(cloud['on_demand'])} on demand, "
               f"{_money(cloud['committed'])} committed (dated list prices)")
    typer.echo(f"  verdict: {m['verdict']}")
