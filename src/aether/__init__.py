"""Aether: a digital twin and planner for orbital AI data centres.

The public surface: load a scenario, simulate it, read the results.
"""

from aether.scenario import Scenario, ScenarioError, load_scenario
from aether.simulate import Results, simulate
from aether.version import __version__

__all__ = ["Results", "Scenario", "ScenarioError", "__version__", "load_scenario", "simulate"]
