"""Scenario files: schema, loading, presets and the ground sites they name."""

from aether.errors import ScenarioError
from aether.scenario.load import (
    error_message,
    load_scenario,
    parse_model,
    parse_scenario,
    preset_names,
    preset_summaries,
    read_scenario_data,
    read_source,
    read_yaml,
)
from aether.scenario.schema import Scenario

__all__ = [
    "Scenario",
    "ScenarioError",
    "error_message",
    "load_scenario",
    "parse_model",
    "parse_scenario",
    "preset_names",
    "preset_summaries",
    "read_scenario_data",
    "read_source",
    "read_yaml",
]
