"""Debian's Chromium, headless, through Playwright, with WebGL through SwiftShader: a page
whose every request outside the origin is refused and recorded, and whose console errors
and page errors are collected."""

from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

CHROMIUM = Path("/usr/bin/chromium")
# WebGL without a GPU: SwiftShader through ANGLE.
FLAGS = ["--use-gl=angle", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--ignore-gpu-blocklist"]
TIMEOUT_MS = 60_000


@contextmanager
def chromium_page(origin: str):
    """(page, requests, problems): requests lists every URL asked for (those outside origin
    are aborted), problems every console error and uncaught page error."""
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: `make test` installs it (scripts/ensure_chromium.sh)")
    from playwright.sync_api import sync_playwright

    requests, problems = [], []

    def route(r):
        requests.append(r.request.url)
        r.continue_() if r.request.url.startswith(origin) else r.abort()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        context = browser.new_context(viewport={"width": 1000, "height": 640})
        context.route("**/*", route)
        page = context.new_page()
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        try:
            yield page, requests, problems
        finally:
            browser.close()


def wait_for_globe(page) -> None:
    page.wait_for_function("window.aether && window.aether.ready", timeout=TIMEOUT_MS)
    page.wait_for_function("window.aether.state.viewer.scene.globe.tilesLoaded", timeout=TIMEOUT_MS)


def globe_std(shot: Path) -> float:
    """The grey-level spread of the globe's part of a screenshot (0 for a blank canvas)."""
    from PIL import Image

    return float(np.asarray(Image.open(shot).convert("L"), float)[:560, :660].std())
