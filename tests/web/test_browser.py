"""The globe in a real browser: Debian's Chromium, headless, WebGL through SwiftShader,
driven by Playwright, loading the dashboard and a run's scene from a loopback server.

Nothing may leave 127.0.0.1, the console stays free of errors, the globe is drawn, every
object of the scene is there, a click on the Compute Ship opens its panel with the ship
stage's values, and CesiumJS puts the ship (written in the ICRF) where the orbit stage has
it on the Earth. The screenshot is kept with the test's files (tmp_path).
"""

import threading

import numpy as np
import pytest
import yaml

from aether.czml import write_scene
from aether.czml.scene import SHIP_SERIES
from aether.orbit import geodetic_to_ecef
from aether.scenario import load_scenario
from aether.simulate import simulate
from aether.web import serve_folder, write_globe
from tests.conftest import small_scenario
from tests.web.chromium import TIMEOUT_MS, chromium_page, globe_std, wait_for_globe


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("globe")
    path = folder / "small.yaml"
    path.write_text(yaml.safe_dump(small_scenario()))
    results = simulate(load_scenario(str(path)), workers=1)
    summary = write_scene(results, folder / "scene.czml", 120.0)
    write_globe(folder)
    return folder, results, summary


def test_the_globe_in_chromium(run_folder, tmp_path):
    folder, results, summary = run_folder
    server = serve_folder(folder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with chromium_page(origin) as (page, requests, problems):
            page.goto(origin + "globe.html?animate=0")
            wait_for_globe(page)

            counts = page.evaluate("window.aether.counts()")
            assert counts == {"entities": summary["entities"], "roles": summary["roles"]}
            assert counts["roles"]["compute"] + counts["roles"]["relay"] == len(results.orbits)
            assert counts["roles"]["user"] == len(results.users)

            # CesiumJS turns the ICRF samples Earth-fixed (IAU 2006 XYS); the orbit stage has
            # the ship Earth-fixed through GMST: the same place to tens of metres.
            fixed_m = page.evaluate("""(() => { const s = window.aether.state;
                const p = s.source.entities.getById('s0').position.getValue(s.viewer.clock.currentTime);
                return [p.x, p.y, p.z]; })()""")
            track = results.orbit.tracks["ship"]
            ours_km = geodetic_to_ecef(track.lat_deg[0], track.lon_deg[0], track.altitude_km[0])
            assert np.linalg.norm(np.array(fixed_m) / 1e3 - np.array(ours_km)) < 0.05

            where = page.evaluate("window.aether.windowPosition('s0')")
            page.mouse.click(where["x"], where["y"])
            page.wait_for_selector("#ship-panel:not([hidden])", timeout=TIMEOUT_MS)
            assert page.inner_text("#ship-name") == "ship"
            shown = page.eval_on_selector_all("#ship-now tr", "rows => rows.map(r => [r.dataset.series, "
                                              "Number(r.dataset.value)])")
            for series, value in shown:
                expected = float(getattr(results.ships, series)[0, 0])  # as written, to SHIP_SERIES decimals
                assert value == pytest.approx(expected, abs=0.5 * 10.0 ** -SHIP_SERIES[series]), series

            shot = tmp_path / "globe.png"
            page.screenshot(path=str(shot))
    finally:
        server.shutdown()
        server.server_close()

    assert not problems, problems
    outside = [u for u in requests if not u.startswith(origin)]
    assert not outside and len(requests) > 20, outside
    assert globe_std(shot) > 20  # drawn, not one flat colour
