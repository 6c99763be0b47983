// The Aether globe: a run's scene.czml on CesiumJS with the bundled Natural Earth II
// imagery (no Ion token, nothing fetched from outside this server), a Compute Ship panel,
// a network panel and the jobs panel (jobs.js, which talks to `aether serve`).
import { initJobs } from "./jobs.js";

const Cesium = window.Cesium;
const SERIES = [
  ["solar_w", "array output", (v) => `${(v / 1e6).toFixed(2)} MW`],
  ["load_w", "load", (v) => `${(v / 1e6).toFixed(2)} MW`],
  ["soc", "battery charge", (v) => `${(100 * v).toFixed(1)} %`],
  ["temperature_c", "radiator temperature", (v) => `${v.toFixed(1)} °C`],
  ["pflops", "delivered compute", (v) => `${v.toFixed(0)} PFLOPS`],
];
// The same quantities in GET /v1/fleet (the twin's now, when the page is served by aether serve).
const FLEET_FIELDS = { solar_w: "solar_w", load_w: "load_w", soc: "soc", temperature_c: "radiator_temperature_c",
  pflops: "pflops" };
const CHART_POINTS = 240;
const params = new URLSearchParams(window.location.search);
const state = { viewer: null, source: null, ship: null, city: null, lastPanel: 0, fleet: null };
window.aether = { ready: false, state };

function el(id) { return document.getElementById(id); }

function rgbaCss(rgba) { return `rgba(${rgba[0]},${rgba[1]},${rgba[2]},${rgba[3] / 255})`; }

function role(entity) {
  return entity && entity.properties && entity.properties.role ? entity.properties.role.getValue() : undefined;
}

function makeViewer() {
  const imagery = Cesium.TileMapServiceImageryProvider.fromUrl(
    Cesium.buildModuleUrl("Assets/Textures/NaturalEarthII"));
  return new Cesium.Viewer("globe", {
    baseLayer: Cesium.ImageryLayer.fromProviderAsync(imagery),
    terrainProvider: new Cesium.EllipsoidTerrainProvider(),
    baseLayerPicker: false, geocoder: false, navigationHelpButton: false, infoBox: false,
    fullscreenButton: false, homeButton: true, sceneModePicker: true, timeline: true, animation: true,
    contextOptions: { webgl: { preserveDrawingBuffer: true } },  // so a screenshot reads the canvas
    msaaSamples: 1,  // FXAA smooths edges; 4x multisampling costs too much on software WebGL
  });
}

function legend(source) {
  const key = source.entities.getById("legend");
  const list = el("legend");
  const add = (rgba, text) => {
    const item = document.createElement("li");
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = rgbaCss(rgba);
    item.append(swatch, text);
    list.append(item);
  };
  if (!key) return;
  const light = JSON.parse(key.properties.sunlight.getValue());
  for (const [name, rgba] of Object.entries(light)) add(rgba, `Compute Ship: ${name}`);
  let below = 0;
  for (const [bound, rgba] of JSON.parse(key.properties.rtt_bins.getValue())) {
    if (bound === null && below === Infinity) add(rgba, "site: unreachable");
    else if (bound === null) { add(rgba, `site: round trip ≥ ${below} ms`); below = Infinity; }
    else { add(rgba, `site: round trip < ${bound} ms`); below = bound; }
  }
}

// --- Compute Ship panel -----------------------------------------------------------------

function showShip(entity) {
  state.ship = entity;
  el("ship-panel").hidden = !entity;
  if (!entity) return;
  el("ship-name").textContent = entity.name;
  const charts = el("ship-charts");
  charts.replaceChildren();
  const clock = state.viewer.clock;
  const span = Cesium.JulianDate.secondsDifference(clock.stopTime, clock.startTime);
  for (const [key, label] of SERIES) {
    const values = [];
    for (let i = 0; i < CHART_POINTS; i++) {
      const t = Cesium.JulianDate.addSeconds(clock.startTime, (span * i) / (CHART_POINTS - 1), new Cesium.JulianDate());
      values.push(entity.properties[key].getValue(t));
    }
    const caption = document.createElement("div");
    caption.className = "chart-label";
    caption.textContent = `${label} over the run`;
    const canvas = document.createElement("canvas");
    canvas.dataset.series = key;
    canvas.width = 300;
    canvas.height = 46;
    canvas._values = values;
    charts.append(caption, canvas);
  }
  updateShip(clock.currentTime);
}

function drawChart(canvas, fraction) {
  const g = canvas.getContext("2d");
  const values = canvas._values.filter((v) => Number.isFinite(v));
  const lo = Math.min(...values), hi = Math.max(...values);
  const y = (v) => canvas.height - 4 - ((v - lo) / (hi - lo || 1)) * (canvas.height - 8);
  g.clearRect(0, 0, canvas.width, canvas.height);
  g.strokeStyle = "#ffd24a";
  g.beginPath();
  canvas._values.forEach((v, i) => {
    const x = (i / (canvas._values.length - 1)) * canvas.width;
    if (i === 0) g.moveTo(x, y(v)); else g.lineTo(x, y(v));
  });
  g.stroke();
  g.strokeStyle = "#ffffff";
  g.beginPath();
  g.moveTo(fraction * canvas.width, 0);
  g.lineTo(fraction * canvas.width, canvas.height);
  g.stroke();
}

// The twin's values for the ship when the clock stands at the twin's now, else undefined.
function twinShip(ship, time) {
  const fleet = state.fleet;
  if (!fleet || !Cesium.JulianDate.equals(time, fleet.time)) return undefined;
  return fleet.ships.get(ship.name);
}

function updateShip(time) {
  const ship = state.ship;
  if (!ship) return;
  const twin = twinShip(ship, time);
  const rows = SERIES.map(([key, label, shown]) => {
    const row = document.createElement("tr");
    row.dataset.series = key;
    const value = twin ? twin[FLEET_FIELDS[key]] : ship.properties[key].getValue(time);
    row.dataset.source = twin ? "fleet" : "scene";
    row.dataset.value = String(value);
    const a = document.createElement("td"), b = document.createElement("td");
    a.textContent = label;
    b.textContent = shown(value);
    row.append(a, b);
    return row;
  });
  if (twin) {
    const row = document.createElement("tr");
    row.dataset.series = "gpus";
    row.innerHTML = "<td>GPUs busy / free / failed</td><td></td>";
    row.lastChild.textContent = `${twin.gpus_busy} / ${twin.gpus_free} / ${twin.gpus_failed}`;
    rows.push(row);
  }
  el("ship-now").replaceChildren(...rows);
  const light = twin ? (twin.sunlit > 0.5 ? "sunlit" : "eclipse") : ship.properties.sunlight.getValue(time);
  el("ship-light").textContent = `${Cesium.JulianDate.toIso8601(time, 0)}: ${light}${twin ? " (the twin's now)" : ""}`;
  const clock = state.viewer.clock;
  const fraction = Cesium.JulianDate.secondsDifference(time, clock.startTime)
    / Cesium.JulianDate.secondsDifference(clock.stopTime, clock.startTime);
  for (const canvas of el("ship-charts").querySelectorAll("canvas")) drawChart(canvas, fraction);
}

// The fleet from the service: the globe's clock goes to the twin's now (and stays there
// until the next poll, so the panel shows what GET /v1/fleet said).
function onFleet(fleet) {
  const time = Cesium.JulianDate.fromIso8601(fleet.utc);
  state.fleet = { time, ships: new Map(fleet.ships.map((s) => [s.name, s])) };
  state.viewer.clock.shouldAnimate = false;
  state.viewer.clock.currentTime = time;
  updateShip(time);
}

// --- Network panel ----------------------------------------------------------------------

function routeAt(city, time) {
  const text = city.properties.route.getValue(time) || "|";
  const [rtt, hops] = text.split("|");
  return { rtt_ms: rtt === "" ? null : Number(rtt), hops: hops ? hops.split(" ") : [] };
}

function initNetwork(source) {
  const cities = source.entities.values.filter((e) => role(e) === "user");
  cities.sort((a, b) => a.name.localeCompare(b.name));
  const select = el("city");
  for (const city of cities) {
    const option = document.createElement("option");
    option.value = city.id;
    option.textContent = city.name;
    select.append(option);
  }
  select.addEventListener("change", () => { state.city = source.entities.getById(select.value); updateNetwork(); });
  state.city = cities[0] || null;
  // The chosen city's route, drawn along the objects it passes at the clock's time.
  state.viewer.entities.add({
    id: "aether/route",
    polyline: {
      positions: new Cesium.CallbackProperty((time) => {
        if (!state.city) return [];
        return routeAt(state.city, time).hops
          .map((id) => source.entities.getById(id))
          .filter((e) => e && e.position)
          .map((e) => e.position.getValue(time))
          .filter((p) => p);
      }, false),
      width: 4, arcType: Cesium.ArcType.NONE,
      material: new Cesium.PolylineGlowMaterialProperty({ glowPower: 0.25, color: Cesium.Color.CYAN }),
    },
  });
}

function updateNetwork() {
  const city = state.city;
  if (!city) return;
  const time = state.viewer.clock.currentTime;
  const route = routeAt(city, time);
  el("route-rtt").textContent = route.rtt_ms === null
    ? `${city.name}: no route to a Compute Ship now`
    : `${city.name}: ${route.rtt_ms.toFixed(1)} ms round trip, ${route.hops.length - 1} hops`;
  const items = route.hops.map((id) => {
    const item = document.createElement("li");
    const entity = state.source.entities.getById(id);
    item.textContent = entity ? entity.name : id;
    return item;
  });
  el("route-hops").replaceChildren(...items);
}

// --- start ------------------------------------------------------------------------------

function onTick(clock) {
  const now = performance.now();
  if (now - state.lastPanel < 250) return;  // panels refresh four times a second
  state.lastPanel = now;
  updateShip(clock.currentTime);
  updateNetwork();
}

async function start() {
  if (window.location.protocol === "file:") {
    el("file-note").hidden = false;
    el("status").textContent = "open with aether view";
    return;
  }
  const viewer = makeViewer();
  state.viewer = viewer;
  const source = await Cesium.CzmlDataSource.load(params.get("czml") || "scene.czml");
  state.source = source;
  // CZML's INERTIAL frame is the ICRF: load the IAU 2006 XYS series (bundled) for the run
  // before showing it, or CesiumJS falls back to a TEME approximation.
  await Cesium.Transforms.preloadIcrfFixed(new Cesium.TimeInterval({ start: source.clock.startTime, stop: source.clock.stopTime }));
  await viewer.dataSources.add(source);
  viewer.clock.shouldAnimate = params.get("animate") !== "0";
  el("title").textContent = `Aether: ${source.name}`;
  legend(source);
  initNetwork(source);
  initJobs(viewer, source, el("jobs-panel"), onFleet);
  const ships = source.entities.values.filter((e) => role(e) === "compute");
  if (ships.length) {
    const where = Cesium.Cartographic.fromCartesian(ships[0].position.getValue(viewer.clock.currentTime));
    viewer.camera.setView({ destination: Cesium.Cartesian3.fromRadians(where.longitude, where.latitude, 2.2e7) });
  }
  viewer.selectedEntityChanged.addEventListener((entity) => showShip(role(entity) === "compute" ? entity : null));
  viewer.clock.onTick.addEventListener(onTick);
  updateNetwork();
  el("status").textContent = `${source.entities.values.length} objects, ${ships.length} Compute Ship(s)`;
  window.aether.ready = true;
  window.aether.readyAt = performance.now();
}

// For tests and scripts: the scene's counts and where an object is on the screen now.
window.aether.counts = () => {
  const roles = {};
  for (const e of state.source.entities.values) { const r = role(e) || "other"; roles[r] = (roles[r] || 0) + 1; }
  return { entities: state.source.entities.values.length, roles };
};
window.aether.windowPosition = (id) => {
  const entity = state.source.entities.getById(id);
  const at = entity.position.getValue(state.viewer.clock.currentTime);
  const p = Cesium.SceneTransforms.worldToWindowCoordinates(state.viewer.scene, at);
  return p ? { x: p.x, y: p.y } : null;
};

start().catch((error) => {
  el("status").textContent = `could not load the scene: ${error}`;
  el("status").className = "error";
  console.error(error);
});
