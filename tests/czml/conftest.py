import pytest
import yaml

from aether.scenario import load_scenario
from aether.simulate import simulate
from tests.conftest import small_scenario

STEP_S = 120.0


@pytest.fixture(scope="package")
def small_results(tmp_path_factory):
    """The small scenario simulated once for the CZML tests (30 s steps over two hours)."""
    path = tmp_path_factory.mktemp("czml") / "small.yaml"
    path.write_text(yaml.safe_dump(small_scenario()))
    return simulate(load_scenario(str(path)), workers=1)


@pytest.fixture(scope="package")
def small_packets(small_results):
    from aether.czml import scene_packets

    return scene_packets(small_results, STEP_S)
