"""Benchmark: project-aether's scene (1,585 satellites over a day) as CZML, and the globe
loading it in headless Chromium.

Times aether.czml's export of the whole scene and its size (target under 30 MB), and, in the
same run, the satellites' positions alone written by aether.czml against the same positions
built and written by czml3 (the CZML library on PyPI), as a ratio. Then serves the scene on
127.0.0.1 and times the page in Debian's Chromium (SwiftShader WebGL) from navigation to
interactive (the scene loaded and shown, panels live; target under 5 s) and to the globe's
imagery drawn. `--screenshot FILE` keeps a picture (docs/img/globe.png is one). Exits 1 when
a target is missed.
"""

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from aether.czml import czml_text, sample_grid, scene_packets
from aether.czml.scene import INTERPOLATION_DEGREE, PAD_SAMPLES, _positions
from aether.orbit import gcrs_positions_km
from aether.scenario import load_scenario
from aether.simulate import simulate
from aether.web import serve_folder, write_globe

SIZE_TARGET_MB, INTERACTIVE_TARGET_S = 30.0, 5.0
FLAGS = ["--use-gl=angle", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--ignore-gpu-blocklist"]


def positions_ours(results, padded, gcrs) -> str:
    seconds = padded.seconds - PAD_SAMPLES * padded.step_s
    packets = [{"id": f"s{k}", "position": {"epoch": "2026-06-21T00:00:00Z", "interpolationAlgorithm": "LAGRANGE",
                                            "interpolationDegree": INTERPOLATION_DEGREE, "referenceFrame": "INERTIAL",
                                            "cartesian": _positions(seconds, gcrs[:, k])}}
               for k in range(len(results.orbits))]
    return czml_text(packets)


def positions_czml3(results, padded, gcrs) -> str:
    from czml3 import Document, Packet
    from czml3.properties import Position

    seconds = padded.seconds - PAD_SAMPLES * padded.step_s
    packets = [Packet(id="document", name="bench", version="1.0")]
    for k in range(len(results.orbits)):
        rows = np.column_stack([seconds, np.round(gcrs[:, k] * 1e3)]).ravel().tolist()
        packets.append(Packet(id=f"s{k}", position=Position(
            epoch="2026-06-21T00:00:00Z", interpolationAlgorithm="LAGRANGE", interpolationDegree=INTERPOLATION_DEGREE,
            referenceFrame="INERTIAL", cartesian=rows)))
    return Document(packets=packets).dumps()


def timed(fn):
    started = time.perf_counter()
    out = fn()
    return time.perf_counter() - started, out


def page_times(folder: Path, screenshot: Path | None) -> tuple[float, float]:
    from playwright.sync_api import sync_playwright

    server = serve_folder(folder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
            page = browser.new_page(viewport={"width": 1280, "height": 760})
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(origin) else r.abort())
            page.goto(origin + "globe.html?animate=0")
            page.wait_for_function("window.aether && window.aether.ready", timeout=120_000)
            interactive_s = page.evaluate("window.aether.readyAt") / 1e3
            page.wait_for_function("window.aether.state.viewer.scene.globe.tilesLoaded", timeout=120_000)
            drawn_s = page.evaluate("performance.now()") / 1e3
            if screenshot is not None:
                where = page.evaluate("window.aether.windowPosition('s0')")
                page.mouse.click(where["x"], where["y"])
                page.select_option("#city", label="London")
                page.wait_for_timeout(3000)
                page.screenshot(path=str(screenshot))
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return interactive_s, drawn_s


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--screenshot", type=Path)
    args = parser.parse_args()
    scenario = load_scenario("project-aether")
    sim_s, results = timed(lambda: simulate(scenario))
    print(f"project-aether simulated in {sim_s:.1f} s ({len(results.orbits)} satellites, {results.grid.n_steps} steps)")

    export_s, text = timed(lambda: czml_text(scene_packets(results)))
    size_mb = len(text.encode()) / 1e6
    print(f"whole scene: {export_s:.2f} s, {size_mb:.1f} MB (target < {SIZE_TARGET_MB:g} MB)")

    padded = sample_grid(results.grid, 300.0, PAD_SAMPLES)
    gcrs = gcrs_positions_km(results.orbits, padded)
    ours_s, ours = timed(lambda: positions_ours(results, padded, gcrs))
    theirs_s, theirs = timed(lambda: positions_czml3(results, padded, gcrs))
    print(f"positions alone ({len(results.orbits)} satellites x {padded.n_steps} samples): aether.czml "
          f"{ours_s:.2f} s, {len(ours) / 1e6:.1f} MB; czml3 {theirs_s:.2f} s, {len(theirs) / 1e6:.1f} MB; "
          f"time ratio {theirs_s / ours_s:.1f}x, size ratio {len(theirs) / len(ours):.2f}")

    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "scene.czml").write_text(text)
        write_globe(Path(folder))
        interactive_s, drawn_s = page_times(Path(folder), args.screenshot)
    print(f"page in headless Chromium (SwiftShader): interactive after {interactive_s:.2f} s "
          f"(target < {INTERACTIVE_TARGET_S:g} s), imagery drawn after {drawn_s:.2f} s")
    return 0 if size_mb < SIZE_TARGET_MB and interactive_s < INTERACTIVE_TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
