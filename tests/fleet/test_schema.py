"""Bad input: clear pydantic errors naming what is allowed; exit 2 at the command line."""

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from aether.fleet import CostSettings, FleetSettings, GroundSettings, WrightLaunchPrice
from aether.settings.defaults import default_sources


def _message(error: ValidationError) -> str:
    (e,) = error.errors()
    return e["msg"]


def test_discount_rate_of_200_percent():
    with pytest.raises(ValidationError) as info:
        CostSettings(discount_rate=2.0)
    assert "allowed: 0 to 1" in _message(info.value)
    assert "0.08 for 8%" in _message(info.value)


@pytest.mark.parametrize("build", [
    lambda: CostSettings(gpu_usd=-1.0),
    lambda: GroundSettings(electricity_usd_per_kwh=-0.05),
    lambda: FleetSettings(launch_price={"kind": "fixed", "usd_per_kg": -10}),
    lambda: WrightLaunchPrice(reference_usd_per_kg=-1800),
])
def test_negative_price(build):
    with pytest.raises(ValidationError) as info:
        build()
    assert "price cannot be negative" in _message(info.value)


def test_lifetime_of_zero():
    with pytest.raises(ValidationError) as info:
        FleetSettings(lifetime_years=0)
    assert "allowed: 1 years to 100 years" in _message(info.value)


def test_schedule_must_add_up_and_extra_fields_are_refused():
    with pytest.raises(ValidationError, match="adds up to 3 ships but ships is 4"):
        FleetSettings(ships=4, deployment_per_year=[1, 2])
    with pytest.raises(ValidationError):
        FleetSettings(shipz=4)
    with pytest.raises(ValidationError, match="not both"):
        CostSettings(solar_usd_per_m2=100.0, solar_usd_per_w=1.0)
    assert CostSettings(solar_usd_per_m2=100.0).solar_usd_per_w is None


def test_settings_are_frozen_and_every_default_has_a_source():
    with pytest.raises(ValidationError):
        FleetSettings().ships = 3
    for section in default_sources().values():
        for name, entry in section.items():
            assert entry["source"].strip(), name


@pytest.mark.parametrize(("section", "field", "value"), [
    ("cost", "discount_rate", 2.0),
    ("cost", "gpu_usd", -30000.0),
    ("fleet", "lifetime_years", 0),
])
def test_cli_bad_input_one_line_exit_2(tmp_path, section, field, value):
    from importlib import resources

    import yaml

    from aether.cli import app
    from aether.scenario.load import PRESETS_PACKAGE

    data = yaml.safe_load(resources.files(PRESETS_PACKAGE).joinpath("iss.yaml").read_text())
    data[section] = {field: value}
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data))
    result = CliRunner().invoke(app, ["cost", str(path)])
    assert result.exit_code == 2
    (line,) = result.output.strip().splitlines()
    assert line.startswith(f"{path}: {section}.{field}: ") and "allowed" in line
