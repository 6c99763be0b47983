"""The import graph flows one way: settings and scenario at the bottom, then the stages
(orbit; ship and network; workload; fleet; the deal), the pipeline, and commands and report on top.

Read from the source with ast, so function-level imports count as much as module-level
ones. A stage is used through its package (`aether.orbit`), never through another
stage's private modules.
"""

import ast
from pathlib import Path

import aether

SOURCE = Path(aether.__file__).parent

# Each top-level module or package of aether and its layer; a module may import only
# from its own package or from a lower layer.
LAYERS = {
    "constants": 0, "errors": 0, "version": 0, "data": 0,
    "files": 1, "kepler": 1, "timegrid": 1, "geo": 1,
    "settings": 2, "scenario": 3, "parallel": 3,
    "orbit": 4,
    "ship": 5, "network": 5,
    "workload": 6,
    "fleet": 7,
    "deal": 8,
    "simulate": 9,
    "czml": 10, "web": 10,
    "report": 11, "service": 12, "sweep": 12, "cli": 13, "__main__": 14, "__init__": 14,
}
STAGES = {"orbit", "ship", "network", "workload", "fleet", "deal"}


def _imports() -> list[tuple[str, str, int]]:
    """(importing file's top-level unit, imported dotted module, line) for every aether import."""
    found = []
    for path in SOURCE.rglob("*.py"):
        unit = path.relative_to(SOURCE).parts[0].removesuffix(".py")
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                if name == "aether" or name.startswith("aether."):
                    found.append((f"{path.relative_to(SOURCE)}", unit, name, node.lineno))
    return found


def test_every_unit_has_a_layer():
    units = {p.relative_to(SOURCE).parts[0].removesuffix(".py") for p in SOURCE.glob("*")
             if p.suffix == ".py" or (p.is_dir() and (p / "__init__.py").exists())}
    assert units <= set(LAYERS), f"give these a layer: {sorted(units - set(LAYERS))}"


def test_imports_flow_downwards_only():
    wrong = []
    for where, unit, module, line in _imports():
        parts = module.split(".")
        target = parts[1] if len(parts) > 1 else "__init__"
        if target != unit and LAYERS[target] >= LAYERS[unit]:
            wrong.append(f"{where}:{line} imports {module} (layer {LAYERS[target]} >= {LAYERS[unit]})")
    assert not wrong, "\n".join(wrong)


def test_stages_are_used_through_their_package():
    wrong = []
    for where, unit, module, line in _imports():
        parts = module.split(".")
        if len(parts) > 2 and parts[1] in STAGES and parts[1] != unit:
            wrong.append(f"{where}:{line} reaches into {module}")
    assert not wrong, "\n".join(wrong)
