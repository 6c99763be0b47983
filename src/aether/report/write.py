"""Writing a run's outputs: metrics.json, report.html (plots inline), Parquet time series,
and the 3D view: scene.czml with globe.html beside it (docs/globe.md)."""

import base64
import html
import json
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from aether.czml import write_scene
from aether.files import inside
from aether.report.figures import DrawnFigures, figure_jobs
from aether.web import write_globe


@dataclass
class Section:
    """One part of the report: a title, a table of key figures, and PNG plots."""

    title: str
    rows: list[tuple[str, ...]] = field(default_factory=list)
    header: tuple[str, ...] = ()
    pngs: list[bytes] = field(default_factory=list)
    note: str = ""


def _fmt(value, spec: str, unit: str = "") -> str:
    """value formatted with spec and unit, or "n/a" where the metric is None (nothing to
    measure, e.g. no fine-tuning job arrived or no request was served)."""
    return "n/a" if value is None else f"{value:{spec}}{unit}"


def orbit_section(results, metrics: dict, pngs: list[bytes]) -> Section:
    rows = []
    for name, s in metrics["spacecraft"].items():
        rows.append((
            name, str(s["members"]), f"{s['orbit']['altitude_km']:.1f}",
            f"{s['orbit']['inclination_deg']:.2f}", f"{s['orbit']['period_min']:.2f}",
            f"{s['sunlit_fraction']:.3f}", f"{s['season']['sunlit_fraction']:.3f}",
            str(s["season"]["eclipse_days"]), f"{s['season']['max_eclipse_min']:.1f}",
        ))
    return Section(
        title="Orbits, sunlight and eclipse seasons",
        header=("spacecraft", "members", "altitude km", "inclination deg", "period min",
                "sunlit (run)", "sunlit (year)", "eclipse days", "longest eclipse min"),
        rows=rows,
        pngs=pngs,
        note="Sunlit fractions count penumbra by the share of the Sun's disc visible. "
        "Season figures sample each day of the year from the run's start.",
    )


def ship_section(results, metrics: dict, pngs: list[bytes]) -> Section:
    rows = []
    for name, m in metrics["ships"].items():
        rows.append((
            name, f"{m['gpus']:,} {m['gpu']}", f"{m['power_w']['total'] / 1e6:.2f}",
            f"{m['solar_array_m2']:,.0f}", f"{m['radiator_m2'] or 0:,.0f}", f"{m['battery_kwh']:,.0f}",
            f"{m['energy_generated_kwh']:,.0f}", f"{m['energy_curtailed_kwh']:,.0f}",
            f"{m['throttled_share']:.1%}", f"{m['mean_pflops']:,.0f} / {m['nominal_pflops']:,.0f}",
            f"{m['min_soc']:.0%}", f"{m['max_radiator_temperature_c']:.1f}", m["verdict"],
        ))
    note = "Energy over the run; PFLOPS dense at the design's precision. The plots run one " \
        "day with the longest and one with the shortest eclipse of the year."
    if results.ships.warnings:
        note += " Warnings: " + " | ".join(results.ships.warnings)
    return Section(
        title="Compute Ships: power, battery, heat and delivered compute",
        header=("ship", "GPUs", "total MW", "array m2", "radiator m2", "battery kWh", "generated kWh",
                "curtailed kWh", "throttled", "PFLOPS mean / nominal", "min SoC", "max radiator C",
                "verdict"),
        rows=rows, pngs=pngs, note=note,
    )


def network_section(results, metrics: dict, pngs: list[bytes]) -> Section:
    sites = metrics["network"]["sites"]
    ms = lambda x: "unreachable" if x is None else f"{x:.1f}"  # noqa: E731
    rows = [(name, ms(m["rtt_p50_ms"]), ms(m["rtt_p95_ms"]), ms(m["rtt_max_ms"]),
             f"{m['reachable_fraction']:.1%}", ms(m["fibre_rtt_ms"]), m["fibre_region"])
            for name, m in sites.items()]
    p50 = [m["rtt_p50_ms"] for m in sites.values() if m["rtt_p50_ms"] is not None]
    fibre = [m["fibre_rtt_ms"] for m in sites.values() if m["fibre_rtt_ms"] is not None]
    note = ("Round trip from each user site to the nearest Compute Ship through the relay mesh, "
            "against fibre to the nearest cloud region. ")
    if p50:
        note += (f"Median over sites of the p50 round trip: {np.median(p50):.1f} ms in orbit, "
                 f"{np.median(fibre):.1f} ms by fibre.")
    for name, m in metrics.get("sovereignty", {}).items():
        p50 = "never met" if m["rtt_p50_ms"] is None else f"p50 round trip {m['rtt_p50_ms']:.1f} ms"
        penalty = "" if m["rtt_penalty_p50_ms"] is None else f", {m['rtt_penalty_p50_ms']:.1f} ms over the free flow"
        note += (f" Policy {name} ({m['sites']} sites): met {m['compliant_fraction']:.1%} of the time, "
                 f"{p50}{penalty}; binds most: {m['binding']}.")
    return Section(
        title="Network: round trips to the Compute Ships against fibre",
        header=("site", "p50 ms", "p95 ms", "max ms", "reachable", "fibre ms", "nearest region"),
        rows=rows, note=note, pngs=pngs,
    )


def workload_section(results, metrics: dict, pngs: list[bytes]) -> Section:
    m = metrics["workload"]
    rows = []
    for name, job in m["training"].items():
        rows.append((f"training {name}", f"{job['wall_clock_days']:.1f} days (ideal {job['ideal_days']:.1f})"
                     if job["finished"] else f"{job['progress']:.1%} done", f"goodput {job['goodput']:.3f}",
                     f"{job['checkpoints']:,} checkpoints every {job['checkpoint_interval_s']:.0f} s, "
                     f"{job['restarts']:,} restarts, {job['lost_gpu_hours']:,.0f} GPU-hours lost"))
    inference = m["inference"]
    if inference:
        ttft = inference["ttft_ms"]
        percentiles = "/".join(_fmt(ttft[p], ".0f") for p in ("p50", "p95", "p99"))
        rows.append(("inference", f"TTFT p50/p95/p99 {percentiles} ms",
                     f"SLO attainment {_fmt(inference['slo_attainment'], '.1%')}",
                     f"{inference['requests']:,} requests, {inference['tokens_served']:,} tokens served, "
                     f"{inference['tokens_dropped']:,} dropped"))
    ft = m["fine_tuning"]
    if ft:
        rows.append(("fine-tuning", f"{ft['jobs']} jobs", f"deadlines met {_fmt(ft['deadline_attainment'], '.1%')}",
                     f"mean wait {_fmt(ft['wait_h_mean'], '.1f', ' h')}"))
    return Section(
        title="Workloads: training, fine-tuning and inference on the fleet",
        header=("workload", "time / latency", "quality", "detail"), rows=rows,
        note=f"Mean GPU utilisation {m['gpu_utilisation_mean']:.1%}. Training beyond the run "
        "continues on the run's timeline repeated; latency percentiles are exact per request.",
        pngs=pngs,
    )


def fleet_section(results, metrics: dict, pngs: list[bytes]) -> Section:
    c, sus = metrics["cost"], metrics["sustainability"]
    money = lambda x: "n/a" if x is None else f"${x:,.2f}"  # noqa: E731
    breakeven = c["breakeven_launch_usd_per_kg"]
    rows = [
        ("cost per delivered GPU-hour", money(c["orbit"]["usd_per_gpu_hour"]), money(c["ground"]["usd_per_gpu_hour"])),
        ("cost per million tokens", money(c["orbit"]["usd_per_million_tokens"]),
         money(c["ground"]["usd_per_million_tokens"])),
        ("energy MWh", f"{sus['orbit']['energy_mwh']:,.0f}", f"{sus['ground']['energy_mwh']:,.0f}"),
        ("water m3", f"{sus['orbit']['water_m3']:,.0f}", f"{sus['ground']['water_m3']:,.0f}"),
        ("CO2 t", f"{sus['orbit']['co2_t']:,.0f}", f"{sus['ground']['co2_t']:,.0f}"),
    ]
    note = (f"{results.scenario.fleet.ships} ship(s) over {results.scenario.fleet.years} years; "
            f"{c['launches']} launches at a mean ${c['mean_launch_usd_per_kg']:,.0f}/kg; launched power "
            f"${c['launched_power_usd_per_kw_year']:,.0f}/kW/yr (Suncatcher's definition). Break-even launch "
            f"price: {'none' if breakeven is None else f'${breakeven:,.0f}/kg'} ({c['breakeven_verdict']}).")
    return Section(
        title="Fleet, cost and sustainability against a ground data centre",
        header=("figure", "orbit", "ground"), rows=rows, note=note,
        pngs=pngs,
    )


def deal_section(results, metrics: dict, pngs: list[bytes]) -> Section:
    d = metrics["deal"]
    c, o, g, op, t = d["contract"], d["orbit"], d["ground"], d["operator"], d["tenant"]
    money = lambda x: "n/a" if x is None else f"${x:,.2f}"  # noqa: E731
    billions = lambda x: "n/a" if x is None else f"${x / 1e9:,.2f} B"  # noqa: E731
    rows = [
        ("GPUs", f"{o['gpus']:,} in {o['ships']} ships", f"{g['gpus']:,.0f}"),
        ("GPU-hours over the term", f"{o['gpu_hours']:,.3g}", f"{g['gpu_hours']:,.3g}"),
        ("tokens at full load", _fmt(o["tokens"], ",.3g"), _fmt(g["tokens"], ",.3g")),
        ("energy MWh", f"{o['energy_mwh']:,.0f} (sunlight)", f"{g['energy_mwh']:,.0f} (grid)"),
        ("spent; cost per GPU-hour", f"{billions(o['spend_usd'])}; {money(o['usd_per_gpu_hour'])}",
         f"{billions(g['spend_usd'])}; {money(g['usd_per_gpu_hour'])}"),
    ]
    irr = "n/a" if op["irr"] is None else f"{op['irr']:.1%}"
    cloud = t["cloud_usd_per_gpu_hour"]
    note = (f"{billions(c['value_usd'])} over {c['term_years']} years of service ({c['payment']} payments), "
            f"budget {billions(c['budget_usd'])}. Operator: NPV {billions(op['npv_usd'])} at "
            f"{c['discount_rate']:.0%}, IRR {irr}, break-even {money(op['breakeven_usd_per_gpu_hour'])} per GPU-hour. "
            f"Tenant: {money(t['usd_per_gpu_hour'])} per delivered GPU-hour "
            f"({money(t['usd_per_million_tokens'])} per million tokens) after {billions(t['credits_usd'])} of "
            f"service credits; public clouds list {t['cloud_gpu']} at {money(cloud['on_demand'])} on demand, "
            f"{money(cloud['committed'])} committed (dated list prices). Verdict: {d['verdict']}.")
    return Section(title="The deal: what the contract buys, and who profits",
                   header=("the budget buys", "in orbit", "on the ground"), rows=rows, note=note, pngs=pngs)


def _section_html(section: Section) -> str:
    parts = [f"<h2>{html.escape(section.title)}</h2>"]
    if section.note:
        parts.append(f"<p>{html.escape(section.note)}</p>")
    if section.rows:
        head = "".join(f"<th>{html.escape(h)}</th>" for h in section.header)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
            for row in section.rows
        )
        parts.append(f"<table><tr>{head}</tr>{body}</table>")
    for png in section.pngs:
        parts.append(f'<img alt="{html.escape(section.title)}" '
                     f'src="data:image/png;base64,{base64.b64encode(png).decode()}">')
    return "\n".join(parts)


def report_html(results, metrics: dict, sections: list[Section]) -> str:
    run = metrics["run"]
    title = f"Aether report: {results.scenario.name}"
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}}
table{{border-collapse:collapse;margin:1em 0}}td,th{{border:1px solid #ccc;padding:4px 8px;
text-align:right}}th{{background:#f3f3f3}}img{{max-width:100%;display:block;margin:1em 0}}</style>
</head><body><h1>{html.escape(title)}</h1>
<p>{html.escape(results.scenario.description)}</p>
<p>Start {run['start']}, {run['duration_h']:g} h at {run['step_s']:g} s steps
({run['steps']} steps, {run['satellites']} satellites), seed {run['seed']};
computed in {run['wall_time_s']:.1f} s.</p>
<p>In 3D: <a href="globe.html">globe.html</a>, the scene (scene.czml) on a CesiumJS globe; show it with
<code>aether view FOLDER</code> (browsers do not run it from a file).</p>
{''.join(_section_html(s) for s in sections)}
</body></html>
"""


def write_timeseries(results, folder: Path) -> list[Path]:
    """The run's time series (Results.timeseries) as Parquet files, one per table:
    spacecraft.parquet and round_trips.parquet (columns in docs/data.md)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, columns in results.timeseries().items():
        path = inside(folder, f"{name}.parquet")
        pq.write_table(pa.table({key: pa.array(value) for key, value in columns.items()}), path)
        written.append(path)
    return written


def write_outputs(results, out_dir: Path, executor: Executor | None = None) -> dict:
    """Write every output of a run into out_dir and return the metrics. Not atomic by itself:
    the CLI passes the staging folder of aether.files.output_folder.

    With an executor (e.g. the run's process pool), the figures draw on its workers while
    the metrics, time series and scene are written here.
    """
    figures = DrawnFigures(figure_jobs(results), executor)
    out_dir.mkdir(parents=True, exist_ok=True)
    metrics = results.metrics()
    (out_dir / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    write_timeseries(results, out_dir / "timeseries")
    write_scene(results, out_dir / "scene.czml")  # here, while the workers draw the figures
    write_globe(out_dir)
    sections = [orbit_section(results, metrics, figures.pngs("orbit")),
                ship_section(results, metrics, figures.pngs("ship")),
                network_section(results, metrics, figures.pngs("network"))]
    if results.workload is not None:
        sections.append(workload_section(results, metrics, figures.pngs("workload")))
    if results.fleet is not None:
        sections.append(fleet_section(results, metrics, figures.pngs("fleet")))
    if results.deal is not None:
        sections.append(deal_section(results, metrics, figures.pngs("deal")))
    (out_dir / "report.html").write_text(report_html(results, metrics, sections))
    return metrics
