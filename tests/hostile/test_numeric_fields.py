"""Every numeric field of every section, fed NaN, infinities, 0, a negative and 1e300.

The fields come from the pydantic schema itself; each hostile value goes, one at a time,
into a small valid scenario that sets every section (tests/hostile/full.py). `aether
validate` answers each with exit 0 or one line and exit 2, never a traceback; values that
no field may hold (non-finite, 1e300, 10**30) always get their one line at their field.
A hypothesis sample of the rest goes through `aether cost`, `aether orbit` and `aether run`,
whose JSON must then be finite.
"""

import json
import math

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from aether.cli import app
from aether.settings.base import SettingsModel, dotted
from tests.hostile.full import full_scenarios, models, numeric_fields, numeric_leaves, with_value

runner = CliRunner()
NEVER_VALID = [math.nan, math.inf, -math.inf, 1e300]
MAYBE_VALID = [0, -1]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("hostile")


@pytest.fixture(scope="module")
def places(folder) -> dict[tuple[str, str], tuple[dict, dict, tuple]]:
    """(model, field) -> (a full scenario as written and complete, where a number of the field is)."""
    found = {}
    for written, complete in full_scenarios(folder):
        for path, owner in numeric_leaves(complete):
            found.setdefault(owner, (written, complete, path))
    return found


def _invoke(folder, data: dict, *args):
    path = folder / "hostile.yaml"
    path.write_text(yaml.safe_dump(data))
    return path, runner.invoke(app, [args[0], str(path), *args[1:]])


def _one_line(result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    (line,) = result.output.strip().splitlines()
    return line


def _finite_json(text: str) -> dict:
    return json.loads(text, parse_constant=lambda c: pytest.fail(f"{c} in the JSON"))


def test_every_section_derives_from_the_shared_base_model():
    assert {m.__name__ for m in models() if not issubclass(m, SettingsModel)} == set()


def test_every_numeric_field_has_a_place_in_the_full_scenario(places):
    assert len(numeric_fields()) > 150
    assert sorted(numeric_fields() - set(places)) == []


@pytest.mark.parametrize("owner", sorted(numeric_fields()), ids=".".join)
def test_hostile_numbers_through_validate(folder, places, owner):
    written, complete, field = places[owner]
    number = complete
    for key in field:
        number = number[key]
    for value in NEVER_VALID + ([10**30] if isinstance(number, int) else []) + MAYBE_VALID:
        path, result = _invoke(folder, with_value(written, complete, field, value), "validate")
        if value in MAYBE_VALID and result.exit_code == 0:
            continue
        line = _one_line(result)
        if value in MAYBE_VALID:
            assert line.startswith(f"{path}: ")
        else:
            assert line.startswith(f"{path}: {dotted(field)}: ") and "(allowed: " in line, line


# A sample of the values a field may hold; no requests a day once left a report unwritable.
_owners = st.sampled_from(sorted(numeric_fields()))
_values = st.sampled_from(MAYBE_VALID)
NO_REQUESTS = (("Demand", "requests_per_day"), 0)


def _sampled(places, owner, value) -> dict:
    written, complete, field = places[owner]
    return with_value(written, complete, field, value)


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(owner=_owners, value=_values)
@example(*NO_REQUESTS)
def test_hostile_numbers_through_cost_and_orbit(folder, places, owner, value):
    data = _sampled(places, owner, value)
    for command in (["cost", "--json"], ["orbit", "--json", "--workers", "1"]):
        _, result = _invoke(folder, data, *command)
        if result.exit_code == 0:
            _finite_json(result.stdout)
        else:
            _one_line(result)


@settings(max_examples=1, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(owner=_owners, value=_values)
@example(*NO_REQUESTS)
def test_hostile_numbers_through_run(folder, places, owner, value):
    data = _sampled(places, owner, value)
    _, result = _invoke(folder, data, "run", "--json", "--workers", "1", "--force", "--out", str(folder / "out"))
    if result.exit_code == 0:
        assert _finite_json(result.stdout)["run"]["satellites"] > 0
    else:
        _one_line(result)
