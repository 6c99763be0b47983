"""The README's example scenario is a valid scenario, and the README's links exist."""

import re
from pathlib import Path

from aether.scenario import parse_scenario
from aether.scenario.load import read_yaml

ROOT = Path(__file__).parents[2]
README = (ROOT / "README.md").read_text()


def test_readme_scenario_is_valid(tmp_path):
    (block,) = re.findall(r"```yaml\n(.*?)```", README, re.S)
    scenario = parse_scenario(read_yaml(block, "README.md"), "README.md", tmp_path)
    assert [s.name for s in scenario.spacecraft] == ["ship-1", "relays"]
    assert scenario.workload is not None and scenario.workload.inference is not None


def test_readme_links_point_to_files_in_the_repository():
    links = re.findall(r"\]\(([^)#]+)\)", README)
    assert links, "the README links to its reference pages"
    assert [link for link in links if not (ROOT / link).exists()] == []
