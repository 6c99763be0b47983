"""Checks that each sovereignty policy can ever be met by the scenario's ground and fleet:
it covers some user site, some Compute Ship is registered where it allows, and some
gateway lies where it may land. One line per problem, naming the policy and the reason."""

from aether.errors import ScenarioError
from aether.geo import expand
from aether.scenario.schema import Scenario
from aether.scenario.sites import Sites


def check_policies(scenario: Scenario, users: Sites, gateways: Sites) -> None:
    """ScenarioError (exit 2) for a policy nothing in the scenario could satisfy."""
    problems = []
    compute = [c for c in scenario.spacecraft if c.role == "compute"]
    for i, policy in enumerate(scenario.sovereignty.policies):
        where = f"{scenario.origin}: sovereignty.policies[{i}] ({policy.name})"
        sets = policy.constraints
        if not set(users.country) & expand(policy.users):
            problems.append(f"{where}.users: no user site lies in {', '.join(policy.users)} "
                            f"(user sites are in {_listed(users.country)})")
        registries = sets["compute_registries"]
        if registries and not any(c.registry_country in registries for c in compute):
            declared = ", ".join(f"{c.name}: {c.registry_country or 'not declared'}" for c in compute)
            problems.append(f"{where}.compute_registries: no Compute Ship is registered in "
                            f"{', '.join(policy.compute_registries)} (registry_country of the compute "
                            f"entries: {declared or 'no compute entry'})")
        landing = sets["landing_countries"]
        if landing and not set(gateways.country) & landing:
            problems.append(f"{where}.landing_countries: no gateway lies in "
                            f"{', '.join(policy.landing_countries)} (gateways are in "
                            f"{_listed(gateways.country) or 'no country: there are none'})")
    if problems:
        raise ScenarioError(problems)


def _listed(codes: list[str], most: int = 12) -> str:
    distinct = sorted(set(codes))
    more = f" and {len(distinct) - most} more" if len(distinct) > most else ""
    return ", ".join(distinct[:most]) + more
