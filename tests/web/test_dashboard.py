"""The dashboard served by `aether serve` in a real browser (Debian's Chromium, headless,
through Playwright): a server process on a free loopback port with SQLite in a temporary
folder, a tenant with a key and a training job submitted through the API and run by
stepping the twin's clock.

Nothing may leave 127.0.0.1, the console stays free of errors, the globe is drawn and holds
every object of the scenario, the jobs panel (the tenant's key typed into the page) lists
the job where the API says it runs, and the Compute Ship's panel shows exactly what
GET /v1/fleet says at the twin's now, to which the page's clock has moved. The screenshot
is kept with the test's files (tmp_path).
"""

import signal

import httpx
import yaml

from aether.czml import scene_summary
from tests.conftest import small_scenario
from tests.service.conftest import ADMIN, TRAINING, bearer
from tests.service.postgres import free_port
from tests.service.server import start_server
from tests.web.chromium import TIMEOUT_MS, chromium_page, globe_std, wait_for_globe

# The fleet's fields the ship panel shows, by the scene's series names (app.js FLEET_FIELDS).
FLEET_FIELDS = {"solar_w": "solar_w", "load_w": "load_w", "soc": "soc", "temperature_c": "radiator_temperature_c",
                "pflops": "pflops"}
# Two frames drawn (the page renders continuously; picking reads the last frame).
FRAMES = """new Promise((done) => { let n = 0; const scene = window.aether.state.viewer.scene;
    const off = scene.postRender.addEventListener(() => { if (++n === 2) { off(); done(); } }); })"""


def test_the_dashboard_of_aether_serve_in_chromium(tmp_path):
    spec = small_scenario()
    scenario = tmp_path / "small.yaml"
    scenario.write_text(yaml.safe_dump(spec))
    port = free_port()
    origin = f"http://127.0.0.1:{port}/"
    server = start_server(scenario, tmp_path / "serve", f"sqlite:///{tmp_path / 'aether.db'}", port)
    try:
        with httpx.Client(base_url=origin, timeout=60) as api:
            tenant = api.post("/v1/admin/tenants", json={"name": "acme"}, headers=ADMIN).json()
            key = api.post(f"/v1/admin/tenants/{tenant['id']}/keys", json={}, headers=ADMIN).json()["key"]
            job = api.post("/v1/jobs", json={**TRAINING, "name": "llm-1b"}, headers=bearer(key)).json()
            api.post("/v1/admin/clock/step", json={"seconds": 900}, headers=ADMIN).raise_for_status()
            job = api.get(f"/v1/jobs/{job['id']}", headers=bearer(key)).json()
            assert job["state"] == "RUNNING" and job["ship"] == "ship"
            fleet = api.get("/v1/fleet", headers=bearer(key)).json()
            served = api.get("/scene.czml").json()  # written on this first request, then kept

        with chromium_page(origin) as (page, requests, problems):
            page.goto(origin + "?animate=0")
            wait_for_globe(page)

            # Every object of the scenario: 1 Compute Ship and 24 relays, 5 cities, 1 gateway,
            # and all of the served scene (links and the legend too).
            counts = page.evaluate("window.aether.counts()")
            assert counts == scene_summary(served)
            relays = spec["spacecraft"][1]["orbit"]["total"]
            assert counts["roles"]["compute"] == 1 and counts["roles"]["relay"] == relays
            assert counts["roles"]["user"] == spec["ground"]["users"]["top_cities"]

            page.fill("#api-key", key)
            page.click("#jobs-load")
            row = page.wait_for_selector(f"#jobs-table tr[data-job='{job['id']}']", timeout=TIMEOUT_MS)
            cells = row.eval_on_selector_all("td", "tds => tds.map(td => td.textContent)")
            assert cells[:5] == ["llm-1b", "training", "RUNNING", str(job["gpus"]), "ship"]
            label = page.evaluate("window.aether.state.source.entities.getById('s0').label.text.getValue()")
            assert label == "ship · 1 job"  # the placement, on the globe
            now = page.evaluate("Cesium.JulianDate.toIso8601(window.aether.state.viewer.clock.currentTime)")
            assert now.rstrip("Z").startswith(fleet["utc"].rstrip("Z"))  # the page's clock is the twin's

            # The ship has moved with the clock: look down on it, as a user would, and click it.
            page.evaluate("""(() => { const s = window.aether.state, time = s.viewer.clock.currentTime;
                const at = Cesium.Cartographic.fromCartesian(s.source.entities.getById('s0').position.getValue(time));
                const above = Cesium.Cartesian3.fromRadians(at.longitude, at.latitude, 2.2e7);
                s.viewer.camera.setView({ destination: above });
                })()""")
            page.evaluate(FRAMES)  # picking reads the drawn frame: let the new view be drawn
            where = page.evaluate("window.aether.windowPosition('s0')")
            page.mouse.click(where["x"], where["y"])
            page.wait_for_selector("#ship-panel:not([hidden])", timeout=TIMEOUT_MS)
            assert page.inner_text("#ship-name") == "ship"
            shown = page.eval_on_selector_all("#ship-now tr[data-source]", "rows => rows.map(r => "
                                              "[r.dataset.series, r.dataset.source, Number(r.dataset.value)])")
            (ship,) = [s for s in fleet["ships"] if s["name"] == "ship"]
            assert shown == [[series, "fleet", ship[field]] for series, field in FLEET_FIELDS.items()]  # exactly

            shot = tmp_path / "dashboard.png"
            page.screenshot(path=str(shot))
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)

    assert not problems, problems
    outside = [u for u in requests if not u.startswith(origin)]
    assert not outside and len(requests) > 20, outside
    assert globe_std(shot) > 20  # drawn, not one flat colour
