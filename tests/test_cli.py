"""The command line: presets, validation, one clear line and exit 2 for bad input."""

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from aether.cli import app
from tests.conftest import small_scenario

runner = CliRunner()

ISS_TLE = """ISS (ZARYA)
1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2927
2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537
"""


def _invoke(*args):
    return runner.invoke(app, list(args))


def _one_clean_line(result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    return lines[0]


def test_presets_lists_the_four_required():
    result = _invoke("presets")
    assert result.exit_code == 0
    names = [line.split()[0] for line in result.output.splitlines()]
    assert {"project-aether", "starlink-shell1", "iss", "suncatcher-81"} <= set(names)


@pytest.mark.parametrize("preset", ["project-aether", "starlink-shell1", "iss", "suncatcher-81"])
def test_presets_are_valid(preset):
    assert _invoke("validate", preset).exit_code == 0


def test_unknown_preset_suggests_close_names():
    line = _one_clean_line(_invoke("validate", "project-aeter"))
    assert "no such file or preset" in line and "did you mean project-aether" in line


def _orbit_error(write_scenario, orbit: dict) -> str:
    data = small_scenario()
    data["spacecraft"][0]["orbit"] = orbit
    path = write_scenario(data)
    line = _one_clean_line(_invoke("validate", str(path)))
    assert line.startswith(f"{path}: spacecraft[0].orbit")
    return line


def test_negative_altitude(write_scenario):
    line = _orbit_error(write_scenario, {"kind": "circular", "altitude_km": -5, "inclination_deg": 50})
    assert "altitude_km" in line and "allowed: 150 to 40000 km" in line


def test_orbit_inside_the_atmosphere(write_scenario):
    line = _orbit_error(write_scenario, {"kind": "circular", "altitude_km": 90, "inclination_deg": 50})
    assert "dips into the atmosphere" in line and "allowed" in line


def test_missing_field(write_scenario):
    line = _orbit_error(write_scenario, {"kind": "walker_delta", "altitude_km": 550, "total": 24, "planes": 4})
    assert "inclination_deg: required field is missing" in line


def test_unknown_orbit_kind(write_scenario):
    line = _orbit_error(write_scenario, {"kind": "elliptic"})
    assert "elliptic" in line and "circular" in line


def _tle_error(write_scenario, tmp_path: Path, text: str) -> str:
    (tmp_path / "sats.tle").write_text(text)
    data = small_scenario()
    data["spacecraft"][0]["orbit"] = {"kind": "tle", "file": "sats.tle"}
    path = write_scenario(data)
    line = _one_clean_line(_invoke("validate", str(path)))
    assert line.startswith(f"{path}: spacecraft[0].orbit.file: sats.tle: ")
    return line


def test_tle_with_bad_checksum(write_scenario, tmp_path):
    line = _tle_error(write_scenario, tmp_path, ISS_TLE.replace("0  2927", "0  2921"))
    assert "line 2: checksum" in line


def test_tle_with_shifted_column(write_scenario, tmp_path):
    lines = ISS_TLE.splitlines()
    text = "\n".join([lines[0], lines[1], " " + lines[2][:68]])
    line = _tle_error(write_scenario, tmp_path, text)
    assert "line 3" in line


def test_tle_whose_perigee_dips_into_the_atmosphere(write_scenario, tmp_path):
    # Mean motion 16.5 rev/day: about 130 km up. Columns and checksum kept valid.
    lines = ISS_TLE.splitlines()
    line2 = lines[2][:52] + "16.5212539" + lines[2][62:68]
    line2 += str(sum(int(c) if c.isdigit() else c == "-" for c in line2) % 10)
    line = _tle_error(write_scenario, tmp_path, "\n".join([lines[0], lines[1], line2]))
    assert "dips into the atmosphere" in line


def test_tle_file_that_is_valid(write_scenario, tmp_path):
    (tmp_path / "iss.tle").write_text(ISS_TLE)
    data = small_scenario()
    data["spacecraft"][0]["orbit"] = {"kind": "tle", "file": "iss.tle"}
    assert _invoke("validate", str(write_scenario(data))).exit_code == 0


def test_yaml_syntax_error(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("name: x\nrun: [unclosed\n")
    line = _one_clean_line(_invoke("validate", str(path)))
    assert line.startswith(f"{path}: line ")


def test_orbit_json_keys(write_scenario):
    result = _invoke("orbit", str(write_scenario(small_scenario())), "--json", "--workers", "1")
    assert result.exit_code == 0, result.output
    ship = json.loads(result.output)["spacecraft"]["ship"]
    assert set(ship["orbit"]) >= {"altitude_km", "inclination_deg", "period_min"}
    assert set(ship["season"]) == {"sunlit_fraction", "eclipse_days", "max_eclipse_min"}
    assert 0 <= ship["sunlit_fraction"] <= 1
    # SSO at 650 km: inclination from the J2 condition, 97.99 deg (see test_elements).
    assert ship["orbit"]["inclination_deg"] == pytest.approx(97.99, abs=0.01)


def test_export_tle_never_overwrites(write_scenario, tmp_path):
    target = tmp_path / "out.tle"
    target.write_text("mine")
    line = _one_clean_line(_invoke("orbit", str(write_scenario(small_scenario())), "--export-tle", str(target)))
    assert "already exists" in line and target.read_text() == "mine"


# Hypothesis: random mutations of a valid scenario never produce a traceback.
_values = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
    st.text(max_size=8), st.lists(st.integers(-5, 5), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


def _set(node, path, value):
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_scenarios_never_crash(data, tmp_path):
    scenario = small_scenario(duration_h=0.2, step_s=60)
    scenario["ground"]["users"]["top_cities"] = 2
    for _ in range(data.draw(st.integers(1, 3))):
        paths = [p for p in _paths(scenario) if p]
        _set(scenario, data.draw(st.sampled_from(paths)), data.draw(_values))
    path = tmp_path / "fuzz.yaml"
    path.write_text(yaml.safe_dump(scenario))
    result = _invoke("validate", str(path))
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert all(line.startswith(f"{path}: ") for line in result.output.strip().splitlines())
