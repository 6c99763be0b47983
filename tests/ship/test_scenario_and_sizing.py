"""Ship designs in scenario files, the ship stage on a propagated orbit, sizing and `size`."""

import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aether.orbit.build import build_orbits
from aether.orbit.stage import run_orbit_stage, tracked_indices
from aether.scenario import ScenarioError, parse_scenario
from aether.ship import ShipWarning, simulate_ships, size_ship
from aether.timegrid import TimeGrid


def scenario(ship=None, hours=3.0, **orbit):
    craft = {"name": "ship", "role": "compute",
             "orbit": {"kind": "sun_synchronous", "altitude_km": 650, "ltan_h": 18, **orbit}}
    if ship is not None:
        craft["ship"] = ship
    data = {"name": "t", "run": {"start": "2026-06-21T00:00:00Z", "duration_h": hours, "step_s": 30},
            "spacecraft": [craft]}
    return parse_scenario(data, "t.yaml", Path("."))


def orbit_result(sc):
    orbits = build_orbits(sc)
    grid = TimeGrid.from_duration(sc.run.start, sc.run.duration_h * 3600, sc.run.step_s)
    return run_orbit_stage(orbits, grid, tracked_indices(orbits, ["ship"]))


@pytest.mark.parametrize("ship, field", [
    ({"solar": {"efficiency": 1.2}}, "spacecraft[0].ship.solar.efficiency"),
    ({"radiator": {"area_m2": -5}}, "spacecraft[0].ship.radiator.area_m2"),
    ({"battery": {"depth_of_discharge": 0}}, "spacecraft[0].ship.battery.depth_of_discharge"),
    ({"gpus": 0}, "spacecraft[0].ship.gpus"),
])
def test_bad_ship_fields_name_file_and_field(ship, field):
    with pytest.raises(ScenarioError) as error:
        scenario(ship)
    assert len(error.value.problems) == 1
    assert error.value.problems[0].startswith(f"t.yaml: {field}: ")


def test_unknown_accelerator_lists_known_ones():
    with pytest.raises(ScenarioError) as error:
        scenario({"gpu": "TPU-v9"})
    line = error.value.problems[0]
    assert line.startswith("t.yaml: spacecraft[0].ship.gpu")
    assert "H100-SXM" in line and "B200" in line and "GB200" in line


def test_accelerator_defined_in_scenario():
    sc = scenario({"gpus": 100, "gpu": {"name": "X1", "bf16_dense_tflops": 500,
                                        "board_power_w": 400, "server_overhead_w": 100}})
    result = simulate_ships(sc, orbit_result(sc))
    m = result.metrics()["ship"]
    assert m["gpu"] == "X1" and m["nominal_pflops"] == pytest.approx(50.0)
    assert m["power_w"]["it"] == pytest.approx(100 * 500)


def test_stage_on_propagated_orbit_conserves_energy_and_is_json():
    sc = scenario({"gpus": 1000})
    result = simulate_ships(sc, orbit_result(sc))
    m = result.metrics()["ship"]
    json.dumps(result.metrics())
    total = (m["energy_used_kwh"] + m["energy_stored_kwh"] + m["energy_battery_loss_kwh"]
             + m["energy_curtailed_kwh"])
    assert total == pytest.approx(m["energy_generated_kwh"], rel=1e-3)
    assert m["min_soc"] < 1.0  # June solstice: inside the eclipse season
    assert m["throttled_share"] == 0.0
    assert result.warnings == []


def test_battery_too_small_warns_with_numbers_or_fails_strict():
    sc = scenario({"gpus": 1000, "battery": {"capacity_kwh": 50}})
    orbits = orbit_result(sc)
    with pytest.warns(ShipWarning, match=r"battery too small for the longest eclipse \(\d+\.\d min\)"):
        result = simulate_ships(sc, orbits)
    assert "kWh usable against" in result.warnings[0]
    with pytest.raises(ScenarioError) as error:
        simulate_ships(sc, orbits, strict=True)
    assert error.value.problems[0].startswith("t.yaml: spacecraft[0].ship.battery.capacity_kwh: ")


def test_size_ship_by_hand():
    # 10,000 B200 at 650 km dawn-dusk with the default design, every figure by hand.
    r = size_ship("B200", 10_000).to_dict()
    # Load: 10,000 x (1000 W board + 787.5 W server, NVIDIA DGX B200: 14.3 kW for 8 GPUs)
    # = 17.875 MW of IT, plus the 3% bus: 18,411,250 W.
    total = 18_411_250.0
    assert r["power_w"]["it"] == pytest.approx(17.875e6, rel=1e-12)
    assert r["power_w"]["total"] == pytest.approx(total, rel=1e-12)
    # Radiator at its 45 C design point in the hottest environment (full Sun, sunlit):
    # emits 2 x 0.92 x 5.670374419e-8 x 318.15^4 = 1068.950 W/m^2, absorbs
    # 0.09 x 1361 x 0.1 + 0.25 x 0.09 x 0.3 x 1361 + 0.25 x 0.92 x 237 = 75.946 W/m^2:
    # 18,411,250 / 993.004 = 18,541 m^2.
    assert r["radiator_m2"] == pytest.approx(18_541.0, abs=1.0)
    # The longest eclipse of the year comes from the orbit stage; it must lie below the
    # beta = 0 eclipse of a 650 km orbit, (P / pi) acos(sqrt(h^2 + 2 R h) / (R + h)) = 35.4 min.
    eclipse_s = r["max_eclipse_min"] * 60
    assert 15 * 60 < eclipse_s < 35.4 * 60
    # Battery: the array must refill it in the sunlit part of the orbit at 0.5 C, and
    # recharging what 18.41 MW draws through the eclipse, at 95% each way, takes
    # total x eclipse / (0.95^2 x (P - eclipse)); Kepler's period at a = 7028.135 km
    # (WGS72) is 2 pi sqrt(a^3 / 398600.8) = 5863.6 s. That bound (about 10.3 MWh) beats
    # the eclipse itself (total x eclipse / 0.95 / 0.8 DoD, about 8.0 MWh).
    period_s = 2 * math.pi * math.sqrt(7028.135**3 / 398600.8)
    recharge_w = total * eclipse_s / (0.95 * 0.95 * (period_s - eclipse_s))
    assert r["battery_kwh"] == pytest.approx(recharge_w / 0.5 / 1000, rel=2e-3)
    assert r["battery_kwh"] > total * eclipse_s / 0.95 / 0.8 / 3.6e6
    # Array: load plus recharge at end of life (5 years at 0.5%/yr) from 1361 W/m^2 x 30%
    # cells x 0.9 packing, tracking the Sun.
    per_m2 = 1361 * 0.30 * 0.9 * 0.995**5
    assert r["solar_array_m2"] == pytest.approx((total + recharge_w) / per_m2, rel=2e-3)
    # Mass: 2 kg/m^2 of array, 6 kg/m^2 of radiator, 130 Wh/kg of battery, 17.8 kg of server
    # per GPU (DGX B200: 142 kg for 8), 1 kg/kW of shielding (Starcloud), 20% structure.
    m = r["mass_kg"]
    assert m["solar_array"] == pytest.approx(2 * r["solar_array_m2"])
    assert m["radiator"] == pytest.approx(6 * r["radiator_m2"])
    assert m["battery"] == pytest.approx(r["battery_kwh"] / 0.130)
    assert m["compute"] == pytest.approx(178_000.0)
    assert m["shielding"] == pytest.approx(17_875.0)
    parts = ("solar_array", "radiator", "battery", "compute", "shielding")
    assert m["structure"] == pytest.approx(0.2 * sum(m[p] for p in parts))
    # Plus the propellant for the life's station keeping, avoidance and disposal (tests/ship/test_drag.py).
    assert m["propellant"] > 0
    assert m["total"] == pytest.approx(1.2 * sum(m[p] for p in parts) + m["propellant"])
    assert r["launches"] == math.ceil(m["total"] / 100_000)
    assert r["verdict"] == "closes"
    # More payload per launch never needs more launches.
    assert size_ship("B200", 10_000, payload_t=150).launches <= r["launches"]


def test_design_that_cannot_close_gets_a_verdict_not_nan():
    from aether.settings.ship import ShipDesign

    cold = ShipDesign(radiator={"design_temperature_c": -100.0, "sun_incidence_cos": 1.0})
    r = size_ship("H100-SXM", 1000, design=cold)
    assert r.verdict.startswith("does not close")
    assert r.radiator_m2 is None and r.launches is None
    text = json.dumps(r.to_dict())
    assert "NaN" not in text and "Infinity" not in text


def test_size_command():
    from aether.cli import app

    runner = CliRunner()
    ok = runner.invoke(app, ["size", "--gpu", "H100-SXM", "--gpus", "1000", "--json"])
    assert ok.exit_code == 0, ok.output
    data = json.loads(ok.stdout)
    assert data["power_w"]["it"] == pytest.approx(1000 * 1275)
    bad = runner.invoke(app, ["size", "--gpu", "TPU-v9", "--gpus", "10"])
    assert bad.exit_code == 2
    assert "H100-SXM" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
    assert runner.invoke(app, ["size", "--gpu", "B200", "--gpus", "-3"]).exit_code == 2
    assert runner.invoke(app, ["size", "--gpu", "B200", "--gpus", "3", "--altitude-km", "50"]).exit_code == 2


def test_project_aether_preset_is_sized_by_aether_size():
    # The preset's hardware must cover what the sizing model asks for its orbit, within
    # the rounding stated in the preset (at most 1 % above).
    from aether.scenario import load_scenario
    from aether.ship import size_ship

    ship = load_scenario("project-aether").spacecraft[0].ship
    sized = size_ship("B200", 10_000, altitude_km=650, ltan_h=18.0)
    for given, needed in [(ship.solar.area_m2, sized.solar_array_m2), (ship.radiator.area_m2, sized.radiator_m2),
                          (ship.battery.capacity_kwh, sized.battery_kwh)]:
        assert needed <= given <= needed * 1.01


def test_run_strict_refuses_a_battery_short_of_the_eclipse(tmp_path):
    # A 650 km dawn-dusk ship whose battery cannot carry it through the 20-minute
    # eclipses of its season: a warning by default, exit 2 with --strict.
    import yaml
    from typer.testing import CliRunner

    from aether.cli import app
    from tests.conftest import small_scenario

    data = small_scenario(duration_h=0.5)
    data["spacecraft"][0]["ship"] = {"gpu": "B200", "gpus": 1000, "battery": {"capacity_kwh": 10}}
    path = tmp_path / "small-battery.yaml"
    path.write_text(yaml.safe_dump(data))
    result = CliRunner().invoke(app, ["run", str(path), "--out", str(tmp_path / "out"), "--strict"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    # The progress bar ran (stderr) before the season told the battery's story: one problem line.
    (line,) = [ln for ln in result.output.splitlines() if ln.startswith(str(path))]
    assert line.startswith(f"{path}: spacecraft[0].ship.battery.capacity_kwh: ")
    assert "longest eclipse" in line and "kWh" in line
    warned = CliRunner().invoke(app, ["run", str(path), "--out", str(tmp_path / "out2"), "--json"])
    assert warned.exit_code == 0
    assert any("capacity_kwh" in w for w in json.loads(warned.stdout)["warnings"])
