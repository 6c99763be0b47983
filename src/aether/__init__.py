"""Aether: a digital twin and planner for orbital AI data centres.

The public surface: load a scenario, simulate it, read the results.
"""

from importlib.metadata import PackageNotFoundError, version

from aether.scenario import Scenario, ScenarioError, load_scenario
from aether.simulate import Results, simulate

__all__ = ["Results", "Scenario", "ScenarioError", "load_scenario", "simulate"]
try:  # the version is written once, in pyproject.toml
    __version__ = version("aether-orbital")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
