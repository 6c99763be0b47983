"""Default figures for the fleet, cost and ground models, each with its source.

They live in aether/data/cost_defaults.yaml as `name: {value, source}`; this module reads
them once. `default_sources()` gives the sources for reports and documentation.
"""

from functools import cache
from importlib import resources

import yaml

SECTIONS = ("fleet", "cost", "ground", "contract")


@cache
def _raw() -> dict:
    text = resources.files("aether.data").joinpath("cost_defaults.yaml").read_text()
    return yaml.safe_load(text)


def default_value(section: str, name: str):
    """The default value of one figure, e.g. default_value("cost", "gpu_usd")."""
    return _raw()[section][name]["value"]


def default_sources() -> dict[str, dict[str, dict]]:
    """{section: {name: {"value": ..., "source": "..."}}} for every default figure."""
    return {s: {k: dict(v) for k, v in _raw()[s].items()} for s in SECTIONS}
