"""Loading scenarios from YAML files or built-in presets, with one line per problem.

Every problem reads `FILE: field.path: what is wrong (allowed: ...)`. The YAML reader is
a SafeLoader with limits: files up to MAX_SCENARIO_BYTES, nesting up to MAX_NESTING,
MAX_VALUES values once aliases are expanded, and each key once per mapping. It reads
numbers and booleans as YAML 1.2 does: `1e9` is a number, and only true/false are
booleans (so a region code NO stays text).
"""

import difflib
import re
from importlib import resources
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from aether.errors import ScenarioError
from aether.scenario.inputs import MAX_SCENARIO_BYTES, MB, read_text
from aether.scenario.schema import Scenario
from aether.settings.base import dotted
from aether.settings.calibration import KIND as CALIBRATION_KIND
from aether.settings.calibration import Calibration, EngineParameters

PRESETS_PACKAGE = "aether.scenario.presets"
# A scenario nests about six levels deep; far deeper is an attack on the parser.
MAX_NESTING = 32
MAX_VALUES = 1_000_000
# Lines printed for one file; the rest are counted.
MAX_PROBLEMS = 20
# A calibration file holds a few dozen measured points.
MAX_CALIBRATION_BYTES = 1 * MB
SERVING = ("workload", "inference", "serving")

M = TypeVar("M", bound=BaseModel)


class ScenarioLoader(yaml.SafeLoader):
    """yaml.SafeLoader with the limits and YAML 1.2 scalars described above."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        self._depth += 1
        if self._depth > MAX_NESTING:
            raise yaml.composer.ComposerError(
                None, None, f"nested deeper than {MAX_NESTING} levels (allowed: up to {MAX_NESTING})",
                self.peek_event().start_mark)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_document(self, node):
        _count_values(node)
        return super().construct_document(node)

    def construct_mapping(self, node, deep=False):
        first_line: dict[tuple[str, str], int] = {}
        for key, _ in node.value:
            if not isinstance(key, yaml.ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
                continue
            line = key.start_mark.line + 1
            if (key.tag, key.value) in first_line:
                raise yaml.constructor.ConstructorError(
                    None, None, f"{key.value}: duplicate key (first on line "
                    f"{first_line[key.tag, key.value]}; allowed: each key once)", key.start_mark)
            first_line[key.tag, key.value] = line
        return super().construct_mapping(node, deep)


ScenarioLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
ScenarioLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
ScenarioLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$"),
    list("-+.0123456789"))


def _count_values(root) -> None:
    """Refuse more than MAX_VALUES nodes once aliases are expanded, or an alias inside itself."""
    counts: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack = [(root, False)]
    while stack:
        node, finished = stack.pop()
        children = ([n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode)
                    else node.value if isinstance(node, yaml.SequenceNode) else [])
        if finished:
            open_nodes.discard(id(node))
            counts[id(node)] = 1 + sum(counts[id(child)] for child in children)
            if counts[id(node)] > MAX_VALUES:
                raise yaml.constructor.ConstructorError(
                    None, None, f"more than {MAX_VALUES:,} values once aliases are expanded "
                    f"(allowed: up to {MAX_VALUES:,}; long site lists go in sites_csv)", node.start_mark)
        elif id(node) in open_nodes:
            raise yaml.constructor.ConstructorError(
                None, None, "an alias refers to the node that holds it (allowed: aliases to "
                "earlier, finished nodes)", node.start_mark)
        elif id(node) not in counts:
            open_nodes.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in children)


def read_yaml(text: str, origin: str):
    """Parsed YAML; ScenarioError `origin: line N: problem` when it is not valid."""
    try:
        return yaml.load(text, Loader=ScenarioLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(file)"
        problem = getattr(error, "problem", None) or "not valid YAML"
        raise ScenarioError([f"{origin}: {where}: {problem}"]) from None


def preset_names() -> list[str]:
    """Names of the built-in scenarios."""
    files = resources.files(PRESETS_PACKAGE).iterdir()
    return sorted(f.name.removesuffix(".yaml") for f in files if f.name.endswith(".yaml"))


def preset_summaries() -> dict[str, str]:
    """Each preset's name and the first line of its description."""
    summaries = {}
    for name in preset_names():
        text = resources.files(PRESETS_PACKAGE).joinpath(f"{name}.yaml").read_text()
        description = (read_yaml(text, f"preset {name}") or {}).get("description", "")
        summaries[name] = description.strip().splitlines()[0] if description.strip() else ""
    return summaries


def _field_path(location: tuple, data) -> str:
    """'spacecraft[1].orbit.altitude_km' from pydantic's location, dropping union tags.

    An item that is not a key of the data where it stands is a union tag pydantic inserts
    (an orbit's kind, a branch name) when that data is a scalar, or a mapping and the item
    is not the last; a last item a mapping lacks is a missing field.
    """
    parts: list[str | int] = []
    node = data
    for position, item in enumerate(location):
        if isinstance(item, int):
            parts.append(item)
            node = node[item] if isinstance(node, list) and 0 <= item < len(node) else None
        elif isinstance(node, dict) and item in node:
            parts.append(item)
            node = node[item]
        elif node is None or (isinstance(node, dict) and position == len(location) - 1):
            parts.append(item)
            node = None
    return dotted(tuple(parts)) or "(top level)"


def _shown(value) -> str:
    """A short, one-line rendering of an input value for a message."""
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    if isinstance(value, float):
        return repr(value)  # 100.0, not 100: a whole number was asked for
    if isinstance(value, int):
        return str(value) if abs(value) < 10**16 else f"{value:.3g}"
    if isinstance(value, str):
        text = repr(value)
        return text if len(text) <= 40 else text[:36] + "...'"
    if isinstance(value, dict):
        return "a mapping"
    return "a list" if isinstance(value, list | tuple) else type(value).__name__


# pydantic's error types and what is allowed instead.
_ALLOWED = {
    "finite_number": "a finite number",
    "float_type": "a number", "float_parsing": "a number",
    "int_type": "a whole number", "int_parsing": "a whole number", "int_from_float": "a whole number",
    "bool_type": "true or false", "bool_parsing": "true or false",
    "string_type": "text",
    "model_type": "a mapping of fields", "model_attributes_type": "a mapping of fields",
    "dict_type": "a mapping",
    "list_type": "a list", "tuple_type": "a list",
    "datetime_type": "a UTC time such as 2026-06-21T00:00:00Z",
    "datetime_parsing": "a UTC time such as 2026-06-21T00:00:00Z",
    "datetime_from_date_parsing": "a UTC time such as 2026-06-21T00:00:00Z",
}


def error_message(error: dict, schema: str = "scenario") -> str:
    """What is wrong and what is allowed, from one of pydantic's errors."""
    kind, ctx, shown = error["type"], error.get("ctx", {}), _shown(error.get("input"))
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return f"unknown field (not part of the {schema} schema)"
    if kind == "union_tag_invalid":
        return f"{ctx['discriminator']} {ctx['tag']!r} is not allowed (allowed: {ctx['expected_tags']})"
    if kind == "union_tag_not_found":
        return f"{ctx['discriminator']} is missing (allowed: a mapping with {ctx['discriminator']})"
    if kind == "literal_error":
        return f"{shown} is not allowed (allowed: {ctx['expected']})"
    if kind == "too_short":
        return f"{ctx['actual_length']} items are too few (allowed: at least {ctx['min_length']})"
    if kind == "too_long":
        return f"too many items (allowed: at most {ctx['max_length']})"
    if kind in _ALLOWED:
        return f"{shown} is not allowed (allowed: {_ALLOWED[kind]})"
    return error["msg"].removeprefix("Value error, ")


def _problems(error: ValidationError, origin: str, data, schema: str = "scenario") -> list[str]:
    """One line per pydantic error, `origin: field.path: what is wrong (allowed: ...)`."""
    problems = [
        f"{origin}: {_field_path(e['loc'] + e.get('ctx', {}).get('loc', ()), data)}: {error_message(e, schema)}"
        for e in error.errors()
    ]
    if len(problems) > MAX_PROBLEMS:
        problems = problems[:MAX_PROBLEMS] + [f"{origin}: {len(problems) - MAX_PROBLEMS} more problems"]
    return problems


def read_calibration(path: Path, where: str) -> Calibration:
    """A calibration file written by `aether calibrate`, checked field by field; `where`
    names it in messages."""
    data = read_yaml(read_text(path, where, MAX_CALIBRATION_BYTES), where)
    if not isinstance(data, dict):
        raise ScenarioError([f"{where}: (top level): expected a mapping of fields, got {type(data).__name__} "
                             "(allowed: a file written by aether calibrate)"])
    if data.get("kind") != CALIBRATION_KIND:
        raise ScenarioError([f"{where}: kind: {_shown(data.get('kind'))} is not a calibration file's "
                             f"(allowed: {CALIBRATION_KIND}, a file written by aether calibrate)"])
    try:
        return Calibration.model_validate(data)
    except ValidationError as error:
        raise ScenarioError(_problems(error, where, data)) from None


def _with_calibration(data: dict, origin: str, base_dir: Path) -> dict:
    """The scenario's data with the engine parameters of the calibration file that
    workload.inference.serving names (relative to base_dir), if it names one. Parameters given
    beside the file are refused: which would win is unclear."""
    node = data
    for key in SERVING:
        node = node.get(key) if isinstance(node, dict) else None
    if not isinstance(node, dict) or not isinstance(node.get("calibration"), str):
        return data
    where = f"{origin}: {'.'.join(SERVING)}"
    given = [name for name in EngineParameters.model_fields if name in node]
    if given:
        raise ScenarioError([f"{where}.{given[0]}: given beside calibration, which sets it (allowed: one of the two)"])
    file = node["calibration"]
    calibration = read_calibration(base_dir / file, f"{where}.calibration: {file}")
    inference = {**data["workload"]["inference"], "serving": {**node, **calibration.serving.model_dump()}}
    return {**data, "workload": {**data["workload"], "inference": inference}}


def parse_scenario(data, origin: str, base_dir: Path) -> Scenario:
    """Validate already-parsed YAML data; origin names the file in messages. A calibration
    file the serving section names is read here, so validating a scenario checks it too."""
    if not isinstance(data, dict):
        raise ScenarioError([f"{origin}: (top level): expected a mapping of fields, got {type(data).__name__}"])
    return parse_model(Scenario, _with_calibration(data, origin, base_dir), origin, base_dir)


def parse_model(model: type[M], data, origin: str, base_dir: Path, schema: str = "scenario") -> M:
    """Validate parsed YAML data as a model with base_dir and origin fields (a scenario, or
    a file built the same way, such as a sweep spec); one line per problem, naming origin."""
    if not isinstance(data, dict):
        raise ScenarioError([f"{origin}: (top level): expected a mapping of fields, got {type(data).__name__}"])
    try:
        return model.model_validate({**data, "base_dir": base_dir, "origin": origin})
    except ValidationError as error:
        raise ScenarioError(_problems(error, origin, data, schema)) from None


def load_scenario(source: str) -> Scenario:
    """A scenario from a YAML path or a preset name."""
    return parse_scenario(*read_scenario_data(source))


def read_scenario_data(source: str) -> tuple[object, str, Path]:
    """A YAML path's or a preset's parsed data, not yet validated, with the origin that names
    it in messages and the folder its relative file names resolve against (for tools that
    change a scenario before validating it, such as sweeps)."""
    found = read_source(source, PRESETS_PACKAGE, preset_names(), "preset")
    if found is None:
        close = difflib.get_close_matches(source, preset_names(), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise ScenarioError(
            [f"{source}: no such file or preset (presets: {', '.join(preset_names())}){hint}"]
        )
    text, origin, base_dir = found
    return read_yaml(text, origin), origin, base_dir


def read_source(source: str, package: str, names: list[str], kind: str) -> tuple[str, str, Path] | None:
    """A YAML file's text, or a built-in one's (`names`, shipped in `package`), with the origin
    that names it in messages and the folder its relative file names resolve against; None
    when source is neither."""
    path = Path(source)
    if path.suffix in (".yaml", ".yml") or path.exists():
        return read_text(path, source, MAX_SCENARIO_BYTES), str(path), path.resolve().parent
    if source in names:
        folder = resources.files(package)
        return folder.joinpath(f"{source}.yaml").read_text(), f"{kind} {source}", Path(str(folder))
    return None
