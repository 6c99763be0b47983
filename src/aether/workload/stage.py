"""The workload stage in the pipeline: WorkloadInputs from the ship and network stages.

Ships are the ship stage's Compute Ships. Each ship sees its compute group's round trips
(the nearest member of the group) and an equal share of the group's backhaul: members of
a formation fly within a few kilometres of each other.
"""

from collections.abc import Callable

import numpy as np

from aether.errors import ScenarioError
from aether.network import NetworkResult
from aether.orbit import TRACKED_GROUP_LIMIT, OrbitSet, tracked_indices
from aether.scenario.schema import Scenario
from aether.scenario.sites import Sites
from aether.settings.ship import ShipDesign
from aether.ship import ShipResult
from aether.workload.inputs import WorkloadInputs
from aether.workload.result import WorkloadResult
from aether.workload.simulate import allocate_gpus, simulate_workload


def workload_inputs(scenario: Scenario, users: Sites, ships: ShipResult,
                    network: NetworkResult) -> WorkloadInputs:
    """The arrays the workload stage runs on, taken from the earlier stages' results."""
    groups = [spec.group for spec in ships.specs]
    group_index = np.array([network.compute_groups.index(g) for g in groups], int)
    members = np.array([groups.count(g) for g in groups], float)
    rtt, allowed = _sovereign(scenario, network, ships, network.rtt_group_ms[:, :, group_index])
    return WorkloadInputs(
        step_s=ships.step_s,
        n_steps=len(ships.seconds),
        start_utc=scenario.run.start,
        ship_names=list(ships.names),
        gpus_per_ship=np.array([spec.design.gpus for spec in ships.specs], np.int64),
        accelerator=ships.specs[0].accelerator,
        delivered_fraction=ships.fraction,
        site_names=list(users.names),
        site_population=users.population,
        site_lon_deg=users.lon_deg,
        site_lat_deg=users.lat_deg,
        rtt_ms=rtt,
        backhaul_bps=network.backhaul_gbps[:, group_index] * 1e9 / members,
        dose_rad_per_year=scenario.fleet.dose_rad_per_year,
        site_region=list(users.country),
        allowed_ships=allowed,
    )


def _sovereign(scenario: Scenario, network: NetworkResult, ships: ShipResult, rtt: np.ndarray):
    """(round trips, [site, ship] allowed) under sovereign routing: a site its policy covers
    (the first that does) may use only the ships the policy allows, and none at steps when the
    policy cannot be met. Other routings: unchanged, None."""
    inference = scenario.workload.inference if scenario.workload else None
    if inference is None or inference.routing != "sovereign" or not network.sovereignty:
        return rtt, None
    allowed = np.ones(rtt.shape[1:], bool)
    rtt = rtt.copy()
    covered = np.zeros(rtt.shape[1], bool)
    for policy in network.sovereignty:
        ok_ships = np.isin(list(ships.names), policy.allowed_ships)
        for k, site in enumerate(policy.sites):
            if covered[site]:
                continue
            covered[site] = True
            allowed[site] = ok_ships
            rtt[~policy.compliant[:, k], site, :] = np.nan
    return rtt, allowed


def _in_file(scenario: Scenario, error: ScenarioError) -> ScenarioError:
    """The same problems, each line naming the scenario file."""
    return ScenarioError([f"{scenario.origin}: {line}" for line in error.problems])


def check_workload(scenario: Scenario, orbits: OrbitSet) -> None:
    """Whether the workload fits the Compute Ships (GPU counts, model memory), before any
    simulation; ScenarioError naming the file otherwise."""
    if scenario.workload is None:
        return
    ships = tracked_indices(orbits, scenario.compute_group_names)
    names = [orbits.names[m] for m in ships]
    designs = [scenario.spacecraft[orbits.group_of[m]].ship or ShipDesign() for m in ships]
    if not designs:
        raise ScenarioError([f"{scenario.origin}: workload: no Compute Ships to run it on "
                             f"(allowed: an entry with role: compute of at most {TRACKED_GROUP_LIMIT} ships)"])
    try:
        allocate_gpus(scenario.workload, names, [d.gpus for d in designs], designs[0].accelerator())
    except ScenarioError as error:
        raise _in_file(scenario, error) from None


def run_workload(scenario: Scenario, users: Sites, ships: ShipResult, network: NetworkResult,
                 on_progress: Callable[[float], None] | None = None) -> WorkloadResult | None:
    """The scenario's workload on its fleet; None when it has no workload or no ships."""
    if scenario.workload is None or not ships.names:
        return None
    inputs = workload_inputs(scenario, users, ships, network)
    try:
        return simulate_workload(scenario.workload, inputs, scenario.run.seed, on_progress)
    except ScenarioError as error:
        raise _in_file(scenario, error) from None
