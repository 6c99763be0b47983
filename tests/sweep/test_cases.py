"""Specs and cases: one-line errors, overrides by field path, the samplers and the seeds."""

from pathlib import Path

import numpy as np
import pytest
import yaml

from aether.errors import ScenarioError
from aether.sweep import load_spec, spec_names
from aether.sweep.cases import Base, Case, apply_overrides, designs, seed_values, sweep_cases, validate_case
from aether.sweep.spec import SweepSpec
from tests.conftest import small_scenario


def spec(**fields) -> SweepSpec:
    return SweepSpec(**{"name": "t", "base": "b.yaml", "metrics": {"usd": "cost.orbit.usd_per_gpu_hour"}, **fields})


def write_spec(tmp_path: Path, data: dict) -> str:
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return str(path)


def test_overrides_set_fields_by_path_and_create_missing_sections():
    data = small_scenario()
    out = apply_overrides(data, {"spacecraft[0].orbit.altitude_km": 700, "cost.gpu_usd": 1.0,
                                 "fleet.launch_price.usd_per_kg": 500}, "b.yaml")
    assert out["spacecraft"][0]["orbit"]["altitude_km"] == 700
    assert out["cost"] == {"gpu_usd": 1.0} and out["fleet"] == {"launch_price": {"usd_per_kg": 500}}
    assert data["spacecraft"][0]["orbit"]["altitude_km"] == 650 and "cost" not in data  # a copy


def test_a_path_past_the_base_is_one_line():
    with pytest.raises(ScenarioError) as raised:
        apply_overrides(small_scenario(), {"spacecraft[5].orbit.altitude_km": 700}, "b.yaml")
    assert raised.value.problems == ["b.yaml: spacecraft[5]: no such entry (the list has 2; "
                                     "allowed: an entry the base scenario has)"]
    with pytest.raises(ScenarioError, match=r"^b.yaml: run.start.x: the field above is not a mapping"):
        apply_overrides(small_scenario(), {"run.start.x": 1}, "b.yaml")


def test_a_grid_is_every_combination_and_steps_are_spaced_evenly():
    s = spec(axes=[{"path": "fleet.ships", "values": [1, 2]},
                   {"path": "cost.gpu_usd", "low": 1000, "high": 100000, "steps": 3, "log": True}])
    assert designs(s) == [{"fleet.ships": n, "cost.gpu_usd": pytest.approx(v)}
                          for n in (1, 2) for v in (1000, 10000, 100000)]
    assert s.case_count() == 6


def test_latin_hypercube_puts_one_sample_in_each_stratum():
    """McKay, Beckman and Conover (1979): n samples, each axis cut into n equal strata, one each."""
    s = spec(sampler="latin_hypercube", samples=20, seed=7,
             axes=[{"path": "cost.gpu_usd", "low": 0, "high": 20},
                   {"path": "fleet.years", "low": 0, "high": 20}])
    for path in ("cost.gpu_usd", "fleet.years"):
        strata = sorted(int(d[path]) for d in designs(s))
        assert strata == list(range(20))
    assert designs(s) == designs(s)  # the seed fixes the draw


def test_random_draws_are_uniform_and_listed_values_equally_likely():
    s = spec(sampler="random", samples=4000, seed=1,
             axes=[{"path": "fleet.ships", "values": [1, 2, 3, 4]}, {"path": "cost.gpu_usd", "low": 10, "high": 20}])
    drawn = designs(s)
    counts = np.bincount([d["fleet.ships"] for d in drawn])[1:]
    # Each value 1000 times on average; 4 standard deviations of a binomial(4000, 1/4) is 110.
    assert np.all(np.abs(counts - 1000) < 110)
    prices = np.array([d["cost.gpu_usd"] for d in drawn])
    assert prices.min() >= 10 and prices.max() < 20 and abs(prices.mean() - 15) < 0.2  # sd of the mean 0.046


def test_monte_carlo_seeds_come_from_seed_sequence_spawn():
    s = spec(seed=42, axes=[{"path": "fleet.ships", "values": [1, 2]}],
             seeds={"runs": 3, "paths": ["run.seed", "fleet.seed"]})
    children = np.random.SeedSequence(42).spawn(3)
    expected = [{"run.seed": int(c.generate_state(2, np.uint64)[0]) >> 1,
                 "fleet.seed": int(c.generate_state(2, np.uint64)[1]) >> 1} for c in children]
    assert seed_values(s) == expected
    cases = sweep_cases(s)
    assert len(cases) == 6 and cases[4].overrides == {"fleet.ships": 2, **expected[1]}
    assert len({c.case_id for c in cases}) == 6
    assert [c.case_id for c in sweep_cases(s)] == [c.case_id for c in cases]  # stable


def test_a_bad_value_fails_with_the_line_aether_validate_gives(tmp_path, write_scenario):
    from typer.testing import CliRunner

    from aether.cli import app

    base = Base(small_scenario(), "b.yaml", tmp_path)
    s = spec(axes=[{"path": "spacecraft[0].orbit.altitude_km", "values": [100]}])
    with pytest.raises(ScenarioError) as raised:
        validate_case(base, s, Case(0, {"spacecraft[0].orbit.altitude_km": 100}))
    bad = small_scenario()
    bad["spacecraft"][0]["orbit"]["altitude_km"] = 100
    path = write_scenario(bad, "b.yaml")
    validated = CliRunner().invoke(app, ["validate", str(path)])
    assert validated.exit_code == 2
    assert [line.replace(str(path), "b.yaml") for line in validated.stderr.splitlines()] == raised.value.problems


def test_spec_problems_are_one_line_each(tmp_path):
    path = write_spec(tmp_path, {"name": "t", "base": "b.yaml", "metrics": {"usd": "cost.orbit.usd_per_gpu_hour"},
                                 "axes": [{"path": "fleet.ships", "values": [1], "low": 1}],
                                 "objectives": [{"metric": "latency", "goal": "min"}], "colour": "red"})
    with pytest.raises(ScenarioError) as raised:
        load_spec(path)
    assert sorted(raised.value.problems) == sorted([
        f"{path}: axes[0].values: give values, or low and high (allowed: one of the two)",
        f"{path}: colour: unknown field (not part of the sweep spec schema)",
    ])
    path = write_spec(tmp_path, {"name": "t", "base": "b.yaml", "metrics": {"usd": "cost.orbit.usd_per_gpu_hour"},
                                 "objectives": [{"metric": "latency", "goal": "min"}]})
    with pytest.raises(ScenarioError) as raised:
        load_spec(path)
    assert raised.value.problems == [f"{path}: objectives[0].metric: 'latency' is not among the metrics "
                                     "(allowed: usd)"]


def test_the_shipped_specs_load_and_stay_small():
    assert spec_names() == ["breakeven-surface", "deal", "latency-vs-fleet"]
    for name in spec_names():
        loaded = load_spec(name)
        assert loaded.case_count() <= 100
        from aether.sweep.cases import read_base

        base = read_base(loaded)
        for case in sweep_cases(loaded):
            validate_case(base, loaded, case)


def test_latency_vs_fleet_nodes_are_the_local_times_it_names():
    """The spec's raan0_deg 90, 135, 180 are 12, 15 and 18 h local time at its start; the
    sun-synchronous inclination for 650 km is 97.99 deg."""
    from datetime import UTC, datetime

    from aether.orbit.elements import raan_for_ltan_rad, sun_synchronous_inclination_deg
    from aether.timegrid import TimeGrid

    epoch = TimeGrid(datetime(2026, 6, 21, tzinfo=UTC), 60.0, 1).start_jd
    for raan_deg, ltan_h in ((90, 12), (135, 15), (180, 18)):
        # within 1 deg of node, 4 minutes of local time (the mean Sun is at 89.2 deg at the start)
        assert np.degrees(raan_for_ltan_rad(ltan_h, epoch)) == pytest.approx(raan_deg, abs=1.0)
    assert sun_synchronous_inclination_deg(650) == pytest.approx(97.99, abs=0.01)


def test_the_command_refuses_bad_input_in_one_line(tmp_path):
    from typer.testing import CliRunner

    from aether.cli import app

    runner = CliRunner()
    missing = runner.invoke(app, ["sweep", "no-such-sweep"])
    assert missing.exit_code == 2
    assert missing.stderr == "no-such-sweep: no such file or built-in sweep (built-in: breakeven-surface, " \
                             "deal, latency-vs-fleet)\n"
    backend = runner.invoke(app, ["sweep", "latency-vs-fleet", "--backend", "spark"])
    assert backend.exit_code == 2 and backend.stderr == "--backend spark: not a backend (allowed: local, ray)\n"
    address = runner.invoke(app, ["sweep", "latency-vs-fleet", "--address", "auto", "--out", str(tmp_path / "o")])
    assert address.exit_code == 2
    assert address.stderr == "--address: goes with --backend ray (allowed: no address for local)\n"
