"""`aether route SCENARIO SRC [DST] [--policy NAME] [--json]`: round trip and path between two
named endpoints (user sites, gateways or satellites) at every step of the run; under a
sovereignty policy, on the links it allows, and without DST, the policy's flow from the
user site SRC (up, to a ship it allows, down at a gateway where it lets data land).

aether.cli registers `route` and prints bad input (ScenarioError) as one line, exit 2.
"""

import json
import sys
from typing import Annotated

import numpy as np
import typer

from aether.scenario import ScenarioError, load_scenario


def route(
    scenario: Annotated[str, typer.Argument(help="YAML path or preset name")],
    src: Annotated[str, typer.Argument(help="site, gateway or satellite name")],
    dst: Annotated[str | None, typer.Argument(help="site, gateway or satellite name")] = None,
    policy: str | None = typer.Option(None, "--policy", help="route under this sovereignty policy"),
    json_output: bool = typer.Option(False, "--json", help="print only the JSON"),
):
    """Round trip and path between two endpoints at every step of the run (under a policy)."""
    from aether.network import route_samples
    from aether.parallel import block_executor

    try:
        with block_executor() as executor:
            result = route_samples(load_scenario(scenario), src, dst, executor=executor, policy=policy)
    except ValueError as error:  # unknown endpoint names, with close matches
        raise ScenarioError([f"{scenario}: {error}"]) from None
    if json_output:
        json.dump(result.to_json(), sys.stdout)
        sys.stdout.write("\n")
        return
    reached = [r for r in result.rtt_ms if r is not None]
    under = f" under policy {policy}" if policy else ""
    typer.echo(f"{src} -> {dst or 'policy flow'}{under}: {len(result.t_s)} steps, reachable "
               f"{len(reached) / max(1, len(result.t_s)):.1%}, path changes {result.path_changes}")
    if reached:
        p50, p95 = np.percentile(reached, [50, 95])
        typer.echo(f"round trip ms: min {min(reached):.2f}  p50 {p50:.2f}  p95 {p95:.2f}  "
                   f"max {max(reached):.2f}")
        first = next(p for p in result.paths if p)
        typer.echo(f"first path ({len(first) - 1} hops): {' > '.join(first)}")
