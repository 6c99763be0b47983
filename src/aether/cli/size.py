"""`aether size`: the ship model run backwards for N GPUs of a model in an orbit."""

import json
from typing import Annotated

import typer
from pydantic import ValidationError

from aether.errors import ScenarioError
from aether.scenario.load import error_message
from aether.scenario.schema import Environment, SunSynchronousOrbit
from aether.settings.fleet import FleetSettings
from aether.settings.hardware import known_names
from aether.settings.ship import ShipDesign


def _check_options(**options) -> None:
    """Each option checked by the scenario field of its name: one rule for both."""
    sections = ((ShipDesign, ("gpu", "gpus")), (SunSynchronousOrbit, ("altitude_km", "ltan_h")),
                (FleetSettings, ("payload_t",)), (Environment, ("solar_activity",)))
    for model, names in sections:
        fields = {name: options[name] for name in names}
        if model is SunSynchronousOrbit:
            fields["kind"] = "sun_synchronous"
        try:
            model.model_validate(fields)
        except ValidationError as error:
            first = error.errors()[0]
            option = "--" + str(first["loc"][0]).replace("_", "-")
            raise ScenarioError([f"aether size: {option}: {error_message(first)}"]) from None


def size(
    gpu: Annotated[str, typer.Option("--gpu", help=f"Accelerator model ({', '.join(known_names())}).")],
    gpus: Annotated[int, typer.Option("--gpus", help="Number of GPUs on the ship.")],
    altitude_km: Annotated[float, typer.Option("--altitude-km", help="Circular orbit altitude.")] = 650.0,
    ltan_h: Annotated[float, typer.Option(
        "--ltan-h", help="Sun-synchronous orbit: local time of the ascending node (18 = dawn-dusk).")] = 18.0,
    payload_t: Annotated[float, typer.Option(
        "--payload-t", help="Tonnes per launch (Starship: 100-150 t).")] = 100.0,
    solar_activity: Annotated[str, typer.Option(
        "--solar-activity", help="Future solar cycles the propellant is sized for: low, mid or high.")] = "mid",
    json_output: Annotated[bool, typer.Option("--json", help="Print only the JSON result.")] = False,
):
    """Solar array, radiator, battery, mass and launches for a Compute Ship."""
    from aether.ship import size_ship

    _check_options(gpu=gpu, gpus=gpus, altitude_km=altitude_km, ltan_h=ltan_h, payload_t=payload_t,
                   solar_activity=solar_activity)
    result = size_ship(gpu, gpus, altitude_km, ltan_h, payload_t, solar_activity=solar_activity)
    data = result.to_dict()
    if json_output:
        typer.echo(json.dumps(data, indent=2))
        return
    m, d = data["mass_kg"], data["drag"]
    lines = [
        f"{gpus:,} x {result.gpu} at {altitude_km:g} km, sun-synchronous LTAN {ltan_h:g} h",
        f"  power        IT {data['power_w']['it'] / 1e6:.2f} MW, total {data['power_w']['total'] / 1e6:.2f} MW"
        f" (nominal {result.nominal_pflops:,.0f} PFLOPS)",
        f"  eclipse      longest {result.max_eclipse_min:.1f} min, sunlit {result.sunlit_fraction:.1%} of the year",
        f"  solar array  {result.solar_array_m2:,.0f} m2",
        "  radiator     " + (f"{result.radiator_m2:,.0f} m2" if result.radiator_m2 is not None else "none closes"),
        f"  battery      {result.battery_kwh:,.0f} kWh",
        "  mass         " + ", ".join(f"{k} {v / 1000:,.1f} t" for k, v in m.items() if k != "total")
        + f"; total {m['total'] / 1000:,.1f} t",
        f"  propellant   {m['propellant'] / 1000:,.1f} t for {d['propulsion']} at {d['isp_s']:g} s over 5 years"
        f" ({solar_activity} solar activity): station keeping {d[solar_activity]['dv_m_s_per_year']:.2f} m/s/yr,"
        f" disposal {d['disposal_dv_m_s']:.0f} m/s, collision avoidance included",
        "  lifetime     without propulsion " + ", ".join(
            f"{a} " + (f"{d[a]['lifetime_years']:.1f} yr" if d[a]["lifetime_years"] is not None
                       else f">{d['lifetime_horizon_years']:g} yr") for a in ("low", "mid", "high")),
        f"  launches     {result.launches if result.launches is not None else '-'} "
        f"at {payload_t:g} t each",
        f"  verdict      {result.verdict}",
    ]
    typer.echo("\n".join(lines))
