"""Shared test helpers."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml


@pytest.fixture
def write_scenario(tmp_path: Path):
    """Write a scenario dict as YAML into tmp_path and return its path."""

    def write(data: dict, name: str = "scenario.yaml") -> Path:
        path = tmp_path / name
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        return path

    return write


def small_scenario(**run) -> dict:
    """A quick scenario: one compute ship and a small relay shell, two hours."""
    return {
        "name": "small",
        "run": {"start": "2026-06-21T00:00:00Z", "duration_h": 2, "step_s": 30, **run},
        "spacecraft": [
            {"name": "ship", "role": "compute",
             "orbit": {"kind": "sun_synchronous", "altitude_km": 650, "ltan_h": 18}},
            {"name": "relays", "role": "relay",
             "orbit": {"kind": "walker_delta", "altitude_km": 550, "inclination_deg": 53,
                       "total": 24, "planes": 4, "phasing": 1}},
        ],
        "ground": {"users": {"top_cities": 5},
                   "gateways": [{"name": "Svalbard", "lat_deg": 78.23, "lon_deg": 15.39}]},
    }


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)
