"""Drag on a Compute Ship: frontal area from attitude, propellant, disposal, and the commands."""

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from aether.cli import app
from aether.orbit import circular_speed_m_s, flux_per_m2_year
from aether.ship import (
    ShipDesign,
    delta_v_m_s,
    disposal_dv_m_s,
    drag_figures,
    envelope_for_orbit,
    frontal_factor,
    mass_budget_kg,
    propellant_kg,
    size_hardware,
)
from tests.conftest import small_scenario

MU = 398600.8


@pytest.mark.parametrize("beta_deg", [0.0, 30.0, 62.0, 89.0])
def test_tracking_array_frontal_share_is_the_orbit_mean_of_its_projection(beta_deg):
    # Explicit vectors: the Sun beta out of the orbit plane, the velocity turning in it; a
    # tracking array's normal is the Sun, so it shows the flow |s . v| of its area.
    u = np.linspace(0.0, 2.0 * np.pi, 20_001)[:-1]
    b = np.radians(beta_deg)
    sun = np.array([np.cos(b), 0.0, np.sin(b)])
    velocity = np.stack([-np.sin(u), np.cos(u), np.zeros_like(u)], axis=1)
    assert frontal_factor("tracking", beta_deg) == pytest.approx(np.abs(velocity @ sun).mean(), rel=1e-4)
    # Turning about the orbit normal, the normal is the Sun's in-plane direction: 2/pi, any beta.
    in_plane = np.array([1.0, 0.0, 0.0])
    assert frontal_factor("single_axis", beta_deg) == pytest.approx(np.abs(velocity @ in_plane).mean(), rel=1e-4)
    assert frontal_factor("orbit_normal", beta_deg) == 0.0


def test_dawn_dusk_ship_shows_the_flow_far_less_than_a_53_degree_one():
    # The case: arrays facing along the orbit normal in a dawn-dusk orbit (beta 57-90
    # deg over the year) against the same arrays in a 53 deg orbit, beta sweeping through 0.
    dawn_dusk = frontal_factor("tracking", envelope_for_orbit(650.0, 18.0).beta_deg).mean()
    inclined = frontal_factor("tracking", envelope_for_orbit(650.0, None, 53.0).beta_deg).mean()
    assert dawn_dusk < 0.35 * inclined
    assert 0.4 < inclined < 2.0 / np.pi


def test_rocket_equation_by_hand():
    # 1,000 kg at the end, 100 m/s at 300 s: 100 / 2941.995 = 0.033991; 1000 (e^0.033991 - 1) = 34.575 kg.
    assert propellant_kg(1000.0, 100.0, 300.0) == pytest.approx(34.575, rel=1e-4)


@settings(max_examples=50, deadline=None)
@given(st.floats(1.0, 1e7), st.floats(0.0, 5000.0), st.floats(100.0, 5000.0))
def test_rocket_equation_round_trip(final_kg, dv, isp):
    assert delta_v_m_s(final_kg + propellant_kg(final_kg, dv, isp), final_kg, isp) == pytest.approx(dv, abs=1e-6)


def test_disposal_delta_v_by_hand():
    # Spiral 650 -> 250 km: sqrt(mu / 6628.135) - sqrt(mu / 7028.135) km/s = 223.9 m/s.
    spiral = (math.sqrt(MU / 6628.135) - math.sqrt(MU / 7028.135)) * 1e3
    assert disposal_dv_m_s(650.0, "hall") == pytest.approx(spiral, rel=1e-9)
    assert spiral == pytest.approx(223.9, abs=0.1)
    # One burn from 650 km circular onto an ellipse with perigee 50 km (vis-viva, Vallado
    # eq. 1-31): v_c - sqrt(mu (2/r - 1/a)), a = (7028.135 + 6428.135) / 2.
    r, a = 7028.135, (7028.135 + 6428.135) / 2
    burn = (math.sqrt(MU / r) - math.sqrt(MU * (2 / r - 1 / a))) * 1e3
    assert disposal_dv_m_s(650.0, "chemical") == pytest.approx(burn, rel=1e-9)
    assert 150 < burn < 170  # the textbook figure for de-orbit from about 650 km


@pytest.fixture(scope="module")
def reference():
    design = ShipDesign(gpu="B200", gpus=10_000)
    env = envelope_for_orbit(650.0, 18.0)
    hw = size_hardware(design, env)
    dry = mass_budget_kg(design, hw)["total"]
    return design, hw, dry, drag_figures(design, hw.solar_array_m2, hw.radiator_m2, dry, 650.0, 97.99, 18.0,
                                         env.beta_deg, 2026.0, 5.0)


def test_propellant_is_the_rocket_equation_over_the_life(reference):
    design, _, dry, fig = reference
    m = fig.metrics()
    d = design.drag
    debris = fig.debris_metrics()
    life_dv = (m["mid"]["dv_m_s_per_year"] * 5 + debris["avoidance_manoeuvres_per_year"] * d.avoidance_dv_m_s * 5
               + m["disposal_dv_m_s"])
    assert fig.propellant_kg("mid") == pytest.approx(dry * math.expm1(life_dv / (9.80665 * 2500.0)), rel=1e-9)
    # Station keeping at 650 km: 1/2 rho v^2 B a year within the density range reported.
    v = float(circular_speed_m_s(650.0))
    for a in ("low", "mid", "high"):
        rho = m[a]["density_kg_m3"]
        year_s = 365.25 * 86400
        assert 0.5 * rho["min"] * v**2 * fig.ballistic_m2_kg.min() * year_s * 0.99 <= m[a]["dv_m_s_per_year"]
        assert m[a]["dv_m_s_per_year"] <= 0.5 * rho["max"] * v**2 * fig.ballistic_m2_kg.max() * year_s * 1.01
    # The thrusters out-push drag at its worst, and draw their power only while firing.
    assert m["thrust_margin"] > 1.0
    assert m["thruster_power_w"]["mean"] < m["thruster_power_w"]["firing"]


def test_stronger_cycles_shorten_the_life_without_propulsion(reference):
    fig = reference[3]
    lives = [fig.lifetime_years(a) or math.inf for a in ("low", "mid", "high")]
    assert lives[0] >= lives[1] >= lives[2]
    m = fig.metrics()
    for a, life in zip(("low", "mid", "high"), lives, strict=True):
        assert m[a]["meets_25_year_guideline"] == (life <= 25.0)
        assert m[a]["meets_fcc_5_year_rule"] == (life <= 5.0)


def test_debris_impacts_scale_with_area(reference):
    fig = reference[3]
    impacts = fig.debris_metrics()["impacts_per_year"]
    ratio = fig.areas_m2["solar_array"] / fig.areas_m2["radiator"]
    assert impacts["solar_array"]["above_1cm"] / impacts["radiator"]["above_1cm"] == pytest.approx(ratio)
    for part in impacts.values():
        assert part["above_1mm"] > part["above_1cm"] > part["above_10cm"] > 0


def test_orbit_command_reports_drag_for_compute_entries(write_scenario):
    path = write_scenario(small_scenario())
    result = CliRunner().invoke(app, ["orbit", str(path), "--json", "--workers", "1"])
    assert result.exit_code == 0, result.output
    spacecraft = json.loads(result.output)["spacecraft"]
    assert "drag" not in spacecraft["relays"]
    drag = spacecraft["ship"]["drag"]
    assert set(drag) >= {"low", "mid", "high", "frontal_area_m2", "disposal_dv_m_s"}
    assert drag["mid"]["dv_m_s_per_year"] > 0


def test_size_command_carries_propellant_into_launches():
    result = CliRunner().invoke(app, ["size", "--gpu", "B200", "--gpus", "10000", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["mass_kg"]["propellant"] > 0
    assert data["launches"] == math.ceil(data["mass_kg"]["total"] / 100_000)
    bad = CliRunner().invoke(app, ["size", "--gpu", "B200", "--gpus", "10", "--solar-activity", "extreme"])
    assert bad.exit_code == 2 and "--solar-activity" in bad.output


def test_impacts_feed_the_array_and_the_failure_model_by_hand(reference):
    from aether.ship.drag import ARRAY_LOSS_PER_IMPACT_M2, RADIATOR_PANEL_M2

    fig = reference[3]
    m = fig.debris_metrics()
    flux_1mm = float(flux_per_m2_year(650.0, "above_1mm"))
    flux_1cm = float(flux_per_m2_year(650.0, "above_1cm"))
    # Array: impacts above 1 mm a m2 times the area each takes (the array's area cancels).
    assert m["array_loss_per_year"] == pytest.approx(flux_1mm * ARRAY_LOSS_PER_IMPACT_M2, rel=1e-9)
    # Hull: a Poisson chance of at least one cm-class hit on its 100 m2.
    assert m["ship_loss_per_year"] == pytest.approx(1 - math.exp(-flux_1cm * 100.0), rel=1e-9)
    # Radiator: each hit takes one 100 m2 panel's share, so the share lost is flux x panel area.
    assert m["radiator_gpu_loss_per_year"] == pytest.approx(flux_1cm * RADIATOR_PANEL_M2, rel=1e-9)
    q = 1 - (1 - m["ship_loss_per_year"]) * (1 - m["radiator_gpu_loss_per_year"])
    assert m["compute_loss_per_year"] == pytest.approx(q, rel=1e-12)


def test_debris_joins_the_fleet_settings():
    from aether.settings.fleet import FleetSettings
    from aether.simulate import with_debris

    class Debris:
        array_loss_per_year = 0.001
        compute_loss_per_year = 0.05

    fleet = FleetSettings(solar_degradation_per_year=0.02, gpu_annual_failure_rate=0.10)
    joined = with_debris(fleet, Debris())
    assert joined.solar_degradation_per_year == pytest.approx(1 - 0.98 * 0.999)
    assert joined.gpu_annual_failure_rate == pytest.approx(1 - 0.90 * 0.95)
    assert with_debris(fleet, None) is fleet
