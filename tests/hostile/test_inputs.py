"""Every hostile input reported in issues "Step 6" and "Step 6b": one line and exit 2 (or a
valid run), the line naming the file, the field and what is allowed."""

import json
import math

import pytest
import yaml
from typer.testing import CliRunner

from aether.cli import app
from tests.conftest import small_scenario

runner = CliRunner()


def _line(*args) -> str:
    """The one line a command prints for bad input (exit 2, no traceback)."""
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, AssertionError)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    return lines[0]


def _write(tmp_path, data, name="s.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def _scenario(**sections) -> dict:
    data = small_scenario(duration_h=0.1, step_s=60)
    data["ground"]["users"]["top_cities"] = 2
    data.update(sections)
    return data


def _with_ship(ship: dict) -> dict:
    data = _scenario()
    data["spacecraft"][0]["ship"] = ship
    return data


# NaN and infinity in every section, through the command that used to take them.
@pytest.mark.parametrize(("command", "data", "field"), [
    ("cost", _scenario(cost={"discount_rate": math.nan}), "cost.discount_rate"),
    ("cost", _scenario(fleet={"payload_t": math.inf}), "fleet.payload_t"),
    ("run", _with_ship({"bus_fraction": math.nan}), "spacecraft[0].ship.bus_fraction"),
    ("run", _with_ship({"gpu": {"name": "X", "bf16_dense_tflops": math.inf, "board_power_w": 700}}),
     "spacecraft[0].ship.gpu.bf16_dense_tflops"),
    ("run", _with_ship({"gpu": {"name": "X", "bf16_dense_tflops": 900, "board_power_w": math.inf}}),
     "spacecraft[0].ship.gpu.board_power_w"),
    ("run", _with_ship({"battery": {"capacity_kwh": math.inf}}), "spacecraft[0].ship.battery.capacity_kwh"),
    ("run", _scenario(network={"laser_rate_gbps": -math.inf}), "network.laser_rate_gbps"),
    ("run", _scenario(workload={"horizon_days": math.nan}), "workload.horizon_days"),
])
def test_nan_and_infinity_are_refused(tmp_path, command, data, field):
    path = _write(tmp_path, data)
    line = _line(command, path, *(["--out", tmp_path / "out"] if command == "run" else []))
    assert line.startswith(f"{path}: {field}: ") and "allowed: a finite number" in line


def test_nan_formation_offsets_never_reach_orbit_json(tmp_path):
    data = _scenario()
    data["spacecraft"][0]["orbit"] = {
        "kind": "formation", "reference": {"kind": "sun_synchronous", "altitude_km": 650, "ltan_h": 18},
        "offsets_km": [[0, 0, 0], [math.nan, 0, 0]]}
    path = _write(tmp_path, data)
    line = _line("orbit", path, "--json")
    assert line.startswith(f"{path}: spacecraft[0].orbit.offsets_km[1][0]: nan ")


@pytest.mark.parametrize(("seed", "shown"), [(-1, "-1"), (2**64, str(2**64))])
def test_seeds_outside_64_bits(tmp_path, seed, shown):
    path = _write(tmp_path, _scenario(fleet={"seed": seed}))
    assert _line("cost", path) == f"{path}: fleet.seed: {shown} is not allowed (allowed: 0 to 2**63 - 1)"


def test_booleans_are_not_numbers(tmp_path):
    data = _scenario()
    data["run"]["duration_h"] = True
    path = _write(tmp_path, data)
    assert _line("validate", path) == f"{path}: run.duration_h: true is not allowed (allowed: a number)"


def test_mean_motion_past_the_altitude_cap(tmp_path):
    data = _scenario()
    data["spacecraft"][0]["orbit"] = {"kind": "circular", "mean_motion_rev_day": 0.001, "inclination_deg": 50}
    path = _write(tmp_path, data)
    line = _line("validate", path)
    assert line.startswith(f"{path}: spacecraft[0].orbit.mean_motion_rev_day: 0.001 rev/day puts the orbit at")
    assert "allowed: 150 to 40000 km" in line


def test_an_array_too_small_to_matter(tmp_path):
    path = _write(tmp_path, _with_ship({"solar": {"area_m2": 1e-9}}))
    line = _line("validate", path)
    assert line == f"{path}: spacecraft[0].ship.solar.area_m2: 1e-09 m2 is not allowed (allowed: 1 m2 to 1e+08 m2)"


def test_an_array_short_of_the_load_does_not_close(tmp_path):
    path = _write(tmp_path, _with_ship({"gpus": 100, "solar": {"area_m2": 10}}))
    line = _line("run", path, "--strict", "--json", "--out", tmp_path / "out")
    assert line.startswith(f"{path}: spacecraft[0].ship: does not close: the 10 m2 array gives")
    assert "leave solar.area_m2 out to size it" in line


@pytest.mark.parametrize(("option", "value", "allowed"), [
    ("--payload-t", "1e-300", "allowed: 0.1 t to 1000 t"),
    ("--payload-t", "nan", "allowed: a finite number"),
    ("--gpus", "0", "allowed: 1 GPUs to 1e+07 GPUs"),
    ("--altitude-km", "7000", "allowed: up to 5900 km"),
])
def test_size_options_use_the_schema_bounds(option, value, allowed):
    line = _line("size", "--gpu", "B200", "--gpus", "100", option, value)
    assert line.startswith(f"aether size: {option}: ") and allowed in line


def test_duplicate_spacecraft_names(tmp_path):
    data = _scenario()
    data["spacecraft"][1]["name"] = "ship"
    path = _write(tmp_path, data)
    assert _line("validate", path) == (f"{path}: spacecraft[1].name: 'ship' is also the name of spacecraft[0].name "
                                       "(allowed: one name per spacecraft, site and gateway)")


def test_site_gateway_and_ship_share_one_namespace(tmp_path):
    data = _scenario()
    data["ground"]["users"]["sites"] = [{"name": "ship", "lat_deg": 1, "lon_deg": 2}]
    data["ground"]["gateways"][0]["name"] = "ship"
    path = _write(tmp_path, data)
    line = _line("validate", path)
    assert line.startswith(f"{path}: ground.users.sites[0].name: 'ship' is also the name of spacecraft[0].name")


def test_a_gateway_named_like_a_top_city(tmp_path):
    data = _scenario()
    data["ground"]["users"]["top_cities"] = 100
    data["ground"]["gateways"][0]["name"] = "Singapore"
    path = _write(tmp_path, data)
    line = _line("validate", path)
    assert line.startswith(f"{path}: ground.gateways[0].name: 'Singapore' is also the name of a top city")


@pytest.mark.parametrize(("where", "name", "field", "problem"), [
    ("scenario", "bell\x07", "name", "holds the control character '\\x07'"),
    ("ship", "ship\nrelays", "spacecraft[0].name", "holds the control character '\\n'"),
    ("ship", "ship/1", "spacecraft[0].name", "is not allowed (allowed: letters, digits"),
    ("gateway", "x" * 101, "ground.gateways[0].name", "101 characters is too long (allowed: 1 to 100"),
    ("gateway", " Svalbard", "ground.gateways[0].name", "has spaces at an end"),
    ("job", "job\x1b[31m", "workload.training[0].name", "holds the control character '\\x1b'"),
    ("accelerator", "X\x00", "spacecraft[0].ship.gpu.name", "holds the control character '\\x00'"),
])
def test_names_are_printable_and_short(tmp_path, where, name, field, problem):
    data = _scenario()
    if where == "scenario":
        data["name"] = name
    elif where == "ship":
        data["spacecraft"][0]["name"] = name
    elif where == "gateway":
        data["ground"]["gateways"][0]["name"] = name
    elif where == "job":
        data["workload"] = {"training": [{"name": name, "parameters": 1e9, "tokens": 1e10, "gpus": 64}]}
    else:
        data["spacecraft"][0]["ship"] = {"gpu": {"name": name, "bf16_dense_tflops": 900, "board_power_w": 700}}
    path = _write(tmp_path, data)
    line = _line("validate", path)
    assert line.startswith(f"{path}: {field}: ") and problem in line


def test_duplicate_keys_are_refused(tmp_path):
    path = tmp_path / "s.yaml"
    text = yaml.safe_dump(_scenario(), sort_keys=False)
    path.write_text(text + "run: {start: 2030-01-01T00:00:00Z, duration_h: 1, step_s: 10}\n")
    line = _line("validate", path)
    assert line.startswith(f"{path}: line {len(text.splitlines()) + 1}: run: duplicate key (first on line ")
    assert "allowed: each key once" in line


def test_yaml_numbers_and_booleans_as_in_yaml_1_2(tmp_path):
    text = yaml.safe_dump(_scenario(), sort_keys=False)
    text = text.replace("- name: Svalbard", "- name: Svalbard\n    country: NO")
    text += "workload: {training: [{name: t, parameters: 1e9, tokens: 2.0e10, gpus: 64}]}\n"
    path = tmp_path / "s.yaml"
    path.write_text(text)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output


def test_deep_nesting_is_one_line(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("name: " + "[" * 100_000 + "]" * 100_000 + "\n")
    assert _line("validate", path) == f"{path}: line 1: nested deeper than 32 levels (allowed: up to 32)"


def test_alias_expansion_is_bounded(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{k}: &a{k} [{', '.join([f'*a{k - 1}'] * 10)}]" for k in range(1, 9)]
    path = tmp_path / "laughs.yaml"
    path.write_text("\n".join(lines) + "\n")
    line = _line("validate", path)
    assert line.startswith(f"{path}: line ") and "more than 1,000,000 values once aliases are expanded" in line


def test_an_alias_inside_itself(tmp_path):
    path = tmp_path / "loop.yaml"
    path.write_text("name: &a [*a]\n")
    assert "an alias refers to the node that holds it" in _line("validate", path)


def test_a_huge_scenario_file_is_refused_unread(tmp_path):
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(1_000_000_000)  # sparse: a gigabyte that takes no disk
    assert _line("validate", path) == f"{path}: larger than 10 MB (allowed: up to 10 MB)"


def test_a_directory_where_a_file_belongs(tmp_path):
    (tmp_path / "dir.yaml").mkdir()
    assert _line("validate", tmp_path / "dir.yaml") == f"{tmp_path / 'dir.yaml'}: is a directory (allowed: a file)"
    (tmp_path / "sats.tle").mkdir()
    data = _scenario()
    data["spacecraft"][0]["orbit"] = {"kind": "tle", "file": "sats.tle"}
    path = _write(tmp_path, data)
    assert _line("validate", path) == (f"{path}: spacecraft[0].orbit.file: sats.tle: is a directory "
                                       "(allowed: a file)")


def test_a_scenario_that_is_not_utf8(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: x\ndescription: caf\xe9\n".encode("latin-1"))
    assert _line("validate", path) == f"{path}: line 2: byte 0xe9 is not UTF-8 (allowed: UTF-8 text)"


def _csv_line(tmp_path, content: bytes) -> str:
    (tmp_path / "sites.csv").write_bytes(content)
    data = _scenario()
    data["ground"]["users"]["sites_csv"] = "sites.csv"
    path = _write(tmp_path, data)
    line = _line("validate", path)
    assert line.startswith(f"{path}: ground.users.sites_csv: sites.csv: ")
    return line.removeprefix(f"{path}: ground.users.sites_csv: sites.csv: ")


@pytest.mark.parametrize(("content", "message"), [
    (b"name,lat_deg,lon_deg\nLab,1\n", "line 2: 2 fields (allowed: 3, as the header: name,lat_deg,lon_deg)"),
    (b"name,lat_deg,lon_deg\nLab,1,2,3\n", "line 2: 4 fields (allowed: 3, as the header: name,lat_deg,lon_deg)"),
    (b"name,lat_deg,lon_deg\n,1,2\n", "line 2, column name: the name is empty (allowed: 1 to 100 printable"),
    (b"name,lat_deg,lon_deg\nLab,north,2\n", "line 2, column lat_deg: 'north' is not a number (allowed: degrees"),
    (b"name,lat_deg,lon_deg\nLab,1,nan\n", "line 2, column lon_deg: nan is not allowed (allowed: a finite number)"),
    (b"name,lat_deg,lon_deg\nLab,95,2\n", "line 2, column lat_deg: 95 deg is not allowed (allowed: -90 deg to 90"),
    (b"name,lat_deg,lon_deg\nA\x00b,1,2\n", "line 2, column name: 'A\\x00b' holds the control character"),
    (b"name,lat_deg,lon_deg\n\"Lab,1,2\n", "line 2: 1 fields (allowed: 3, as the header"),
    (b"name,lat_deg,lon_deg\nM\xfcnchen,1,2\n", "line 2: byte 0xfc is not UTF-8 (allowed: UTF-8 text)"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "line 1: byte 0x89 is not UTF-8 (allowed: UTF-8 text)"),
    (b"name,lat,lon\nLab,1,2\n", "line 1: header name,lat,lon (allowed: name, lat_deg, lon_deg and optionally"),
    (b"", "line 1: header (empty) (allowed: name, lat_deg, lon_deg"),
])
def test_bad_sites_csv_rows(tmp_path, content, message):
    assert _csv_line(tmp_path, content).startswith(message)


def test_sites_csv_with_a_byte_order_mark_and_spaces(tmp_path):
    (tmp_path / "sites.csv").write_bytes("\ufeffname, lat_deg, lon_deg, country\nLab, 37.4, -122.1, US\n".encode())
    data = _scenario()
    data["ground"]["users"]["sites_csv"] = "sites.csv"
    result = runner.invoke(app, ["validate", str(_write(tmp_path, data))])
    assert result.exit_code == 0, result.output


def test_a_huge_sites_csv_is_refused_unread(tmp_path):
    with (tmp_path / "sites.csv").open("wb") as handle:
        handle.truncate(60_000_000)
    data = _scenario()
    data["ground"]["users"]["sites_csv"] = "sites.csv"
    path = _write(tmp_path, data)
    assert _line("validate", path) == (f"{path}: ground.users.sites_csv: sites.csv: larger than 50 MB "
                                       "(allowed: up to 50 MB)")


def test_a_tiny_valid_run_has_finite_metrics(tmp_path):
    path = _write(tmp_path, _scenario(fleet={"payload_t": 0.1}))
    result = runner.invoke(app, ["cost", str(path), "--json"])
    assert result.exit_code == 0, result.output
    json.loads(result.output, parse_constant=lambda c: pytest.fail(f"{c} in the JSON"))


def test_a_flood_of_problems_is_cut_to_twenty_lines(tmp_path):
    jobs = [{"name": f"job{k}", "parameters": 1e9, "tokens": "many", "gpus": 8} for k in range(30)]
    path = _write(tmp_path, _scenario(workload={"training": jobs}))
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 21 and lines[-1] == f"{path}: 10 more problems"
    assert lines[0] == f"{path}: workload.training[0].tokens: 'many' is not allowed (allowed: a number)"
