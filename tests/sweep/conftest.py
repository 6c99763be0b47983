"""A tiny base scenario (one hour at a minute, three cities, twelve relays) and specs over it."""

from pathlib import Path

import pytest
import yaml

from tests.conftest import small_scenario


def tiny_scenario() -> dict:
    data = small_scenario(duration_h=1, step_s=60)
    data["spacecraft"][1]["orbit"].update(total=12, planes=3)
    data["ground"]["users"]["top_cities"] = 3
    return data


@pytest.fixture
def sweep_files(tmp_path: Path):
    """Write the tiny base and a spec over it (spec fields given) into tmp_path; the spec's path."""

    def write(**spec) -> Path:
        (tmp_path / "base.yaml").write_text(yaml.safe_dump(tiny_scenario(), sort_keys=False))
        path = tmp_path / "spec.yaml"
        path.write_text(yaml.safe_dump({"name": "tiny", "base": "base.yaml", **spec}, sort_keys=False))
        return path

    return write
