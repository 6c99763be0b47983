// The jobs panel: a tenant's jobs from the control plane (`aether serve`, GET /v1/jobs with
// the API key typed here; the key stays in this page's memory), their states and the ship
// each runs on, with those ships marked on the globe. With the jobs it reads GET /v1/fleet
// and hands it to onFleet (the globe then follows the twin's clock). Kept apart from the
// globe: the page works without the service, and this panel then says so.
const POLL_MS = 5000;

async function getJson(path, key) {
  const response = await fetch(path, { headers: { Authorization: `Bearer ${key}` } });
  return { response, body: response.ok ? await response.json() : null };
}

export function initJobs(viewer, source, panel, onFleet) {
  const title = document.createElement("h2");
  title.textContent = "Jobs";
  const key = document.createElement("input");
  key.type = "password";
  key.id = "api-key";
  key.placeholder = "API key (prefix_secret)";
  key.autocomplete = "off";
  const load = document.createElement("button");
  load.id = "jobs-load";
  load.textContent = "Show jobs";
  const note = document.createElement("p");
  note.id = "jobs-note";
  note.textContent = "Jobs come from aether serve.";
  const table = document.createElement("table");
  table.className = "jobs";
  table.id = "jobs-table";
  panel.append(title, key, load, note, table);

  const ships = new Map(source.entities.values
    .filter((e) => e.properties && e.properties.role && e.properties.role.getValue() === "compute")
    .map((e) => [e.name, e]));
  let timer = null;

  async function refresh() {
    const secret = key.value.trim();
    let jobs, fleet;
    try {
      jobs = await getJson("/v1/jobs?limit=100", secret);
      fleet = jobs.response.ok ? await getJson("/v1/fleet", secret) : null;
    } catch (error) {
      note.textContent = `no answer from the service (${error})`;
      return;
    }
    const { response } = jobs;
    if (response.status === 404) { note.textContent = "No jobs here: start aether serve to see them."; return; }
    if (response.status === 401) { note.textContent = "That key is not valid."; return; }
    if (!response.ok) { note.textContent = `The service answered ${response.status}.`; return; }
    show(jobs.body.items || []);
    if (fleet && fleet.body) onFleet(fleet.body);
  }

  function show(jobs) {
    note.textContent = `${jobs.length} job(s)`;
    const head = document.createElement("tr");
    for (const name of ["job", "kind", "state", "GPUs", "ship", "done"]) {
      const th = document.createElement("th");
      th.textContent = name;
      head.append(th);
    }
    const rows = jobs.map((job) => {
      const row = document.createElement("tr");
      row.dataset.job = job.id;
      for (const value of [job.name || job.id, job.kind, job.state, job.gpus, job.ship || "-",
        `${Math.round(100 * (job.progress || 0))} %`]) {
        const td = document.createElement("td");
        td.textContent = String(value);
        row.append(td);
      }
      const ship = job.ship && ships.get(job.ship);
      if (ship) row.addEventListener("click", () => { viewer.selectedEntity = ship; });
      return row;
    });
    table.replaceChildren(head, ...rows);
    // Placement on the globe: each ship's label counts the jobs running on it.
    const running = new Map();
    for (const job of jobs) if (job.ship && job.state === "RUNNING") running.set(job.ship, (running.get(job.ship) || 0) + 1);
    for (const [name, entity] of ships) {
      const n = running.get(name) || 0;
      if (entity.label) entity.label.text = n ? `${name} · ${n} job${n > 1 ? "s" : ""}` : name;
    }
  }

  load.addEventListener("click", () => {
    refresh();
    clearInterval(timer);
    timer = setInterval(refresh, POLL_MS);
  });
}
