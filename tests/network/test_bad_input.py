"""Bad input: one line each, ScenarioError in the API and exit 2 at the command line."""

import pytest
import yaml
from typer.testing import CliRunner

from aether.cli import app
from aether.network.topology import build_topology
from aether.orbit.build import build_orbits
from aether.orbit.tle import format_tles
from aether.scenario import ScenarioError, parse_scenario

from .conftest import make, scenario_dict


def test_min_elevation_above_90_is_refused():
    with pytest.raises(ScenarioError) as error:
        make({"ground_min_elevation_deg": 95})
    assert len(error.value.problems) == 1
    line = error.value.problems[0]
    assert line.startswith("test.yaml: network.ground_min_elevation_deg:") and "allowed" in line


def test_unknown_network_field_is_refused():
    with pytest.raises(ScenarioError) as error:
        make({"laser_range": 5000})
    assert error.value.problems == [
        "test.yaml: network.laser_range: unknown field (not part of the scenario schema)"]


def test_mesh_of_an_unordered_tle_set_is_refused(tmp_path):
    source = build_orbits(make())
    relays = source.members("relays")
    (tmp_path / "relays.tle").write_text(
        format_tles([source.satrecs[i] for i in relays], [source.names[i] for i in relays]))
    data = scenario_dict()
    data["spacecraft"][1] = {"name": "relays", "role": "relay",
                             "orbit": {"kind": "tle", "file": "relays.tle"}}
    scenario = parse_scenario(data, "test.yaml", tmp_path)
    with pytest.raises(ScenarioError) as error:
        build_topology(scenario, build_orbits(scenario))
    assert len(error.value.problems) == 1
    assert error.value.problems[0].startswith("test.yaml: spacecraft[1].orbit: a +Grid laser mesh")
    # Ordered into planes, the same file meshes; without a mesh it is accepted too.
    data["spacecraft"][1]["orbit"].update(planes=6, per_plane=10)
    ordered = parse_scenario(data, "test.yaml", tmp_path)
    assert len(build_topology(ordered, build_orbits(ordered)).mesh) == 120


def test_unknown_site_name_exits_2_with_close_matches(tmp_path):
    data = scenario_dict()
    data["run"]["duration_h"] = 0.05
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data))
    result = CliRunner().invoke(app, ["route", str(path), "Londn", "ship"])
    assert result.exit_code == 2
    assert "unknown site or spacecraft 'Londn'; did you mean London?" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_route_json(tmp_path):
    import json

    data = scenario_dict()
    data["run"]["duration_h"] = 0.05
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data))
    result = CliRunner().invoke(app, ["route", str(path), "London", "ship", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["src"] == "London" and out["dst"] == "ship"
    assert isinstance(out["path_changes"], int)
    assert len(out["samples"]) == 4
    for sample in out["samples"]:
        assert set(sample) >= {"t_s", "rtt_ms", "path"}
        if sample["rtt_ms"] is None:
            assert sample["path"] == []
        else:
            assert sample["rtt_ms"] > 0 and sample["path"][0] == "London"
            assert sample["path"][-1] == "ship"
