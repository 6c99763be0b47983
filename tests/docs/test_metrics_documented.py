"""Every key that `aether run` writes to metrics.json is documented in docs/metrics.md.

The page lists keys as `a.b.{c,d}` with `<...>` for names that come from the scenario; a
small run with every stage (ships, network, workload, fleet) is flattened to dotted paths,
its scenario-given names replaced by their placeholders, and each path looked up.
"""

import itertools
import re
from pathlib import Path

import pytest
import yaml

from aether import load_scenario, simulate
from tests.conftest import small_scenario

PAGE = Path(__file__).parents[2] / "docs" / "metrics.md"

# Keys under these paths are names from the scenario (or its sites), not fixed words.
PLACEHOLDERS = {
    ("spacecraft",): "<entry>",
    ("ships",): "<ship>",
    ("network", "sites"): "<site>",
    ("network", "ships"): "<entry>",
    ("workload", "training"): "<job>",
    ("workload", "inference", "ttft_ms_by_region"): "<region>",
    ("sovereignty",): "<policy>",
}


def _expand(pattern: str) -> list[str]:
    """'a.{b,c}.d' -> ['a.b.d', 'a.c.d']."""
    parts = re.split(r"\{([^}]*)\}", pattern)
    choices = [[p] if i % 2 == 0 else p.split(",") for i, p in enumerate(parts)]
    return ["".join(c) for c in itertools.product(*choices)]


def documented_keys() -> set[str]:
    tokens = re.findall(r"`([a-z_][\w.{},<>]*)`", PAGE.read_text())
    return {key for token in tokens for key in _expand(token)}


def metric_paths(node, path=()) -> list[tuple[str, ...]]:
    """Dotted paths of the leaves (lists are leaves), names replaced by placeholders."""
    if not isinstance(node, dict):
        return [path]
    out = []
    for key, value in node.items():
        key = PLACEHOLDERS.get(path, key)
        out += metric_paths(value, (*path, key))
    return out


@pytest.fixture(scope="module")
def metrics(tmp_path_factory):
    data = small_scenario(duration_h=1)
    data["workload"] = {
        "training": [{"name": "llm-8b", "parameters": 8e9, "tokens": 2e11, "gpus": 1024}],
        "fine_tuning": {"arrivals_per_day": 200, "gpus_per_ship": 512},
        "inference": {"demand": {"requests_per_day": 2e6}},
    }
    data["contract"] = {"value_usd": 5e9, "term_years": 3, "signed": "2026-01-01", "first_ship": "2027-01-01"}
    data["spacecraft"][0]["registry_country"] = "NO"
    data["sovereignty"] = {"policies": [{"name": "eea", "users": ["CN"],
                                         "landing_countries": ["EEA"], "compute_registries": ["EEA"]}]}
    path = tmp_path_factory.mktemp("metrics") / "scenario.yaml"
    path.write_text(yaml.safe_dump(data))
    return simulate(load_scenario(str(path)), workers=1).metrics()


def test_every_metric_key_is_documented(metrics):
    known = documented_keys()
    missing = sorted({".".join(p) for p in metric_paths(metrics)} - known)
    assert not missing, f"document these in docs/metrics.md: {missing}"


def test_every_documented_key_is_produced(metrics):
    produced = {".".join(p) for p in metric_paths(metrics)}
    claimed = {key for key in documented_keys() if "." in key and key.split(".")[0] in metrics}
    assert {key.split(".")[0] for key in claimed} >= {"run", "spacecraft", "ships", "network",
                                                      "workload", "cost", "sustainability", "fleet",
                                                      "deal"}
    assert not sorted(claimed - produced), "docs/metrics.md names keys the run does not write"
