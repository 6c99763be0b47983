"""`aether run` end to end on a small scenario: outputs and the JSON contract (overwriting,
locking, interrupts and hostile names: test_outputs.py)."""

import json

import pytest
from typer.testing import CliRunner

from aether.cli import app
from tests.conftest import small_scenario

runner = CliRunner()


def test_run_writes_metrics_report_and_timeseries(write_scenario, tmp_path):
    data = small_scenario()
    data["workload"] = {"training": [{"name": "llm-8b", "parameters": 8e9, "tokens": 2e11, "gpus": 1024}],
                        "inference": {"demand": {"requests_per_day": 2e6}}}
    scenario = write_scenario(data)
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(scenario), "--out", str(out), "--json", "--workers", "1"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)  # --json: stdout carries only the metrics
    assert metrics == json.loads((out / "metrics.json").read_text())
    assert metrics["run"]["steps"] == 2 * 3600 // 30 + 1
    assert set(metrics["spacecraft"]) == {"ship", "relays"}
    site = next(iter(metrics["network"]["sites"].values()))
    assert set(site) >= {"rtt_p50_ms", "rtt_p95_ms", "rtt_max_ms", "reachable_fraction", "fibre_rtt_ms"}
    assert set(metrics["ships"]["ship"]) >= {"energy_generated_kwh", "mean_pflops", "min_soc"}
    assert metrics["cost"]["orbit"]["usd_per_gpu_hour"] > 0
    job = metrics["workload"]["training"]["llm-8b"]
    assert job["finished"] and job["goodput"] <= 1.0
    inference = metrics["workload"]["inference"]
    assert inference["tokens_served"] + inference["tokens_dropped"] == inference["tokens_requested"]
    assert metrics["cost"]["usd_per_million_tokens"] > 0
    report = (out / "report.html").read_text()
    assert report.count("data:image/png;base64,") >= 3
    import pyarrow.parquet as pq

    crafts = pq.read_table(out / "timeseries" / "spacecraft.parquet").to_pydict()
    assert list(crafts) == ["t_s", "utc", "spacecraft", "lat_deg", "lon_deg", "height_km", "sunlit",
                            "beta_deg", "solar_w", "load_w", "soc", "temperature_c", "pflops"]
    assert crafts["spacecraft"] == ["ship"] * metrics["run"]["steps"]
    # The ship's mean PFLOPS over the file is the metric's mean compute.
    assert sum(crafts["pflops"]) / len(crafts["pflops"]) == pytest.approx(metrics["ships"]["ship"]["mean_pflops"])
    trips = pq.read_table(out / "timeseries" / "round_trips.parquet").to_pydict()
    assert len(trips["rtt_ms"]) == metrics["run"]["steps"] * len(metrics["network"]["sites"])


def test_same_scenario_same_metrics_serial_or_parallel(write_scenario, tmp_path):
    from aether import load_scenario, simulate

    scenario = load_scenario(str(write_scenario(small_scenario(duration_h=1))))
    serial = simulate(scenario, workers=1).metrics()
    parallel = simulate(scenario, workers=2).metrics()
    for m in (serial, parallel):
        m["run"].pop("wall_time_s")
    assert serial == parallel


def test_state_at_an_instant_matches_the_timelines(write_scenario):
    from aether import load_scenario, simulate

    results = simulate(load_scenario(str(write_scenario(small_scenario(duration_h=1)))), workers=1)
    state = results.state_at(600.0)  # step 20 of 30 s
    ship = state["ships"]["ship"]
    assert state["t_s"] == 600.0 and state["utc"].startswith("2026-06-21T00:10:00")
    assert ship["soc"] == results.ships.soc[20, 0]
    assert ship["lat_deg"] == results.orbit.tracks["ship"].lat_deg[20]
    assert set(state["rtt_ms"]) == set(results.network.site_names)
    with pytest.raises(ValueError, match="outside the run"):
        results.state_at(7200.0)
