"""`aether czml`: a file written whole with a summary that matches it; bad input in one line."""

import json

import yaml
from typer.testing import CliRunner

from aether.cli import app
from tests.conftest import small_scenario

runner = CliRunner()


def _scenario(tmp_path) -> str:
    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump(small_scenario(duration_h=0.5, step_s=60)))
    return str(path)


def test_czml_writes_the_scene_and_refuses_to_replace_it(tmp_path):
    out = tmp_path / "scene.czml"
    result = runner.invoke(app, ["czml", _scenario(tmp_path), "--out", str(out), "--step", "120", "--json",
                                 "--workers", "1"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    packets = json.loads(out.read_text())
    assert summary["bytes"] == out.stat().st_size and summary["entities"] == len(packets) - 1
    again = runner.invoke(app, ["czml", _scenario(tmp_path), "--out", str(out)])
    assert again.exit_code == 2 and "already exists" in again.output


def test_a_bad_step_is_one_line_before_any_work(tmp_path):
    for step in ("5", "601", "nan"):
        result = runner.invoke(app, ["czml", _scenario(tmp_path), "--out", str(tmp_path / "x.czml"), "--step", step])
        assert result.exit_code == 2
        assert result.output.strip().count("\n") == 0 and "--step" in result.output, result.output
        assert not (tmp_path / "x.czml").exists()


def test_view_refuses_a_folder_without_a_scene(tmp_path):
    result = runner.invoke(app, ["view", str(tmp_path), "--no-open"])
    assert result.exit_code == 2 and "no scene.czml" in result.output
