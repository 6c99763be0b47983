"""Loading scenarios from YAML files or built-in presets, with one line per problem."""

import difflib
from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from aether.errors import ScenarioError
from aether.scenario.schema import Scenario

PRESETS_PACKAGE = "aether.scenario.presets"


def preset_names() -> list[str]:
    """Names of the built-in scenarios."""
    files = resources.files(PRESETS_PACKAGE).iterdir()
    return sorted(f.name.removesuffix(".yaml") for f in files if f.name.endswith(".yaml"))


def preset_summaries() -> dict[str, str]:
    """Each preset's name and the first line of its description."""
    summaries = {}
    for name in preset_names():
        text = resources.files(PRESETS_PACKAGE).joinpath(f"{name}.yaml").read_text()
        description = (yaml.safe_load(text) or {}).get("description", "")
        summaries[name] = description.strip().splitlines()[0] if description.strip() else ""
    return summaries


def _field_path(location: tuple, data) -> str:
    """'spacecraft[1].orbit.altitude_km' from pydantic's location, dropping union tags."""
    parts: list[str] = []
    node = data
    for item in location:
        if isinstance(item, int):
            parts.append(f"[{item}]")
            node = node[item] if isinstance(node, list) and item < len(node) else None
            continue
        if isinstance(node, dict) and item not in node and "kind" in node and node["kind"] == item:
            continue  # the discriminator tag pydantic inserts for tagged unions
        parts.append(("." if parts else "") + str(item))
        node = node.get(item) if isinstance(node, dict) else None
    return "".join(parts) or "(top level)"


def _message(error: dict) -> str:
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "missing":
        return "required field is missing"
    if error["type"] == "extra_forbidden":
        return "unknown field (not part of the scenario schema)"
    if error["type"] == "union_tag_invalid":
        return message.replace("Input tag", "kind")
    return message


def parse_scenario(data, origin: str, base_dir: Path) -> Scenario:
    """Validate already-parsed YAML data; origin names the file in messages."""
    if not isinstance(data, dict):
        raise ScenarioError([f"{origin}: (top level): expected a mapping of fields, got {type(data).__name__}"])
    try:
        return Scenario.model_validate({**data, "base_dir": base_dir, "origin": origin})
    except ValidationError as error:
        raise ScenarioError(
            [f"{origin}: {_field_path(e['loc'], data)}: {_message(e)}" for e in error.errors()]
        ) from None


def load_scenario(source: str) -> Scenario:
    """A scenario from a YAML path or a preset name."""
    path = Path(source)
    if path.suffix in (".yaml", ".yml") or path.exists():
        if not path.is_file():
            raise ScenarioError([f"{source}: file not found"])
        text, origin, base_dir = path.read_text(errors="replace"), str(path), path.resolve().parent
    elif source in preset_names():
        text = resources.files(PRESETS_PACKAGE).joinpath(f"{source}.yaml").read_text()
        origin, base_dir = f"preset {source}", Path(str(resources.files(PRESETS_PACKAGE)))
    else:
        close = difflib.get_close_matches(source, preset_names(), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise ScenarioError(
            [f"{source}: no such file or preset (presets: {', '.join(preset_names())}){hint}"]
        )
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(file)"
        problem = getattr(error, "problem", None) or "not valid YAML"
        raise ScenarioError([f"{origin}: {where}: {problem}"]) from None
    return parse_scenario(data, origin, base_dir)
