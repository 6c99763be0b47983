"""The dashboard's files: vendored CesiumJS present with its licence, the pins it came from,
and URL paths that cannot leave the package or the run folder."""

import asyncio
import json
from pathlib import Path

from aether.web import STATIC, VENDORED, asgi_app, missing_vendored, resolve

ROOT = Path(__file__).resolve().parents[2]


def test_vendored_cesium_is_complete_and_pinned():
    assert missing_vendored() == [], "run scripts/vendor_web.sh"
    lock = json.loads((ROOT / "web" / "package-lock.json").read_text())
    pinned = json.loads((ROOT / "web" / "package.json").read_text())["dependencies"]["cesium"]
    assert lock["packages"]["node_modules/cesium"]["version"] == pinned
    assert (STATIC / "vendor/cesium/VERSION").read_text().split() == ["cesium", pinned]
    assert "Apache License" in (STATIC / "vendor/cesium/LICENSE.md").read_text()
    size_mb = sum(p.stat().st_size for p in (STATIC / "vendor").rglob("*") if p.is_file()) / 1e6
    assert size_mb < 30


def test_a_missing_vendored_file_is_reported(monkeypatch):
    import aether.web.files as files

    monkeypatch.setattr(files, "VENDORED", (*VENDORED, "vendor/cesium/NotThere.js"))
    assert files.missing_vendored() == ["vendor/cesium/NotThere.js"]


def test_paths_stay_inside(tmp_path):
    (tmp_path / "scene.czml").write_text("[]")
    (tmp_path / "secret.txt").write_text("no")
    assert resolve("/", tmp_path) == resolve("/globe.html?animate=0", tmp_path) == STATIC / "index.html"
    assert resolve("/scene.czml", tmp_path) == tmp_path / "scene.czml"
    assert resolve("/vendor/cesium/Cesium.js") == STATIC / "vendor/cesium/Cesium.js"
    for bad in ("/secret.txt", "/../web/__init__.py", "/vendor/../../files.py", "/%2e%2e/x", "/scene.czml"):
        assert resolve(bad, tmp_path if bad != "/scene.czml" else None) is None, bad


def test_the_asgi_app_serves_the_page_and_refuses_the_rest(tmp_path):
    (tmp_path / "scene.czml").write_text("[]")
    app = asgi_app(tmp_path)

    def call(method: str, path: str) -> tuple[int, bytes]:
        sent = []

        async def send(message):
            sent.append(message)

        asyncio.run(app({"type": "http", "method": method, "path": path}, None, send))
        return sent[0]["status"], sent[1]["body"]

    assert call("GET", "/scene.czml") == (200, b"[]")
    status, body = call("GET", "/")
    assert status == 200 and b"Cesium.js" in body
    assert call("GET", "/nothing.js")[0] == 404
    assert call("POST", "/")[0] == 405
