"""What a run may reuse: stage_key hashes exactly the fields each part of the pipeline reads."""

from pathlib import Path

from aether.scenario import parse_scenario
from aether.simulate import stage_key
from tests.sweep.conftest import tiny_scenario


def keys(**changes) -> tuple[str, str]:
    data = tiny_scenario()
    for section, fields in changes.items():
        data[section] = {**data.get(section, {}), **fields}
    scenario = parse_scenario(data, "x", Path("."))
    return stage_key("physics", scenario), stage_key("workload", scenario)


def test_economics_change_neither_key():
    assert keys(cost={"gpu_usd": 1.0}, ground_dc={"pue": 1.5}) == keys()
    assert keys(fleet={"launch_price": {"kind": "fixed", "usd_per_kg": 100}}) == keys()


def test_the_seed_and_the_dose_rate_change_the_workload_only():
    physics, workload = keys()
    for change in ({"run": {"seed": 7}}, {"fleet": {"dose_rad_per_year": 300}}):
        assert keys(**change)[0] == physics and keys(**change)[1] != workload


def test_the_grid_and_the_ground_change_both():
    physics, workload = keys()
    for change in ({"run": {"step_s": 30}}, {"ground": {"users": {"top_cities": 4}}},
                   {"network": {"laser_rate_gbps": 50}}):
        assert keys(**change)[0] != physics and keys(**change)[1] != workload
