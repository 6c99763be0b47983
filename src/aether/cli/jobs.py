"""`aether jobs`: the control plane's client (httpx). AETHER_URL (default
http://127.0.0.1:8000) and AETHER_API_KEY say where and who; tables by default, --json
for scripts. A refused request is one line (the service's problem detail) and exit 2."""

import json
import os
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from aether.errors import ScenarioError

jobs = typer.Typer(help="Submit, list, show, cancel and follow jobs on `aether serve`.", no_args_is_help=True)
JsonFlag = Annotated[bool, typer.Option("--json", help="print the service's JSON")]
DEFAULT_URL = "http://127.0.0.1:8000"


def _client():
    import httpx  # here, so that other commands do not pay for it at start-up

    key = os.environ.get("AETHER_API_KEY")
    if not key:
        raise ScenarioError(["AETHER_API_KEY: not set (ask the operator for a tenant key)"])
    return httpx.Client(base_url=os.environ.get("AETHER_URL", DEFAULT_URL), timeout=30,
                        headers={"Authorization": f"Bearer {key}"})


def _call(method: str, path: str, **kwargs) -> dict | None:
    import httpx

    try:
        with _client() as client:
            response = client.request(method, path, **kwargs)
    except httpx.HTTPError as error:
        raise ScenarioError([f"AETHER_URL: {os.environ.get('AETHER_URL', DEFAULT_URL)}: {error}"]) from None
    if response.status_code >= 400:
        try:
            detail = response.json().get("detail", response.text)
        except ValueError:
            detail = response.text
        raise ScenarioError([f"{method} {path}: {response.status_code}: {detail}"])
    return response.json() if response.content else None


def _print(data, as_json: bool, rows: list[dict], columns: list[str], title: str) -> None:
    if as_json:
        typer.echo(json.dumps(data, indent=2))
        return
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*[_cell(row.get(c)) for c in columns])
    console = Console()
    if not console.is_terminal:  # piped: whole ids and states, never wrapped to 80 columns
        console = Console(width=240)
    console.print(table)


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    return "" if value is None else str(value)


def _job_rows(items: list[dict]) -> list[dict]:
    return [{**j, "progress": f"{100 * j['progress']:.1f} %"} for j in items]


JOB_COLUMNS = ["id", "kind", "state", "reason", "priority", "gpus", "ship", "gateway", "progress"]


@jobs.command()
def submit(
    kind: Annotated[str, typer.Argument(help="training, fine_tuning or inference")],
    gpus: Annotated[int | None, typer.Option(help="GPUs (training, fine_tuning)")] = None,
    parameters: Annotated[float | None, typer.Option(help="model parameters (training)")] = None,
    tokens: Annotated[float | None, typer.Option(help="training tokens")] = None,
    gpu_hours: Annotated[float | None, typer.Option(help="GPU-hours (fine_tuning)")] = None,
    deadline_h: Annotated[float | None, typer.Option(help="hours to finish in (fine_tuning)")] = None,
    model: Annotated[str | None, typer.Option(help="served model (inference)")] = None,
    region: Annotated[list[str] | None, typer.Option(help="SITE=REQUESTS_PER_DAY, repeatable (inference)")] = None,
    duration_h: Annotated[float | None, typer.Option(help="hours to serve (inference)")] = None,
    replicas: Annotated[int | None, typer.Option(help="replicas (inference)")] = None,
    priority: Annotated[int | None, typer.Option(help="0 lowest to 9 highest")] = None,
    registries: Annotated[str | None, typer.Option(
        help="allowed ships' registries: codes or groups, e.g. EU or US,LU")] = None,
    idempotency_key: Annotated[str | None, typer.Option(help="makes a retry return the same job")] = None,
    as_json: JsonFlag = False,
):
    """Submit a job; the service checks every field and answers with the job."""
    body = {"kind": kind, "gpus": gpus, "parameters": parameters, "tokens": tokens, "gpu_hours": gpu_hours,
            "deadline_h": deadline_h, "model": model, "duration_h": duration_h, "replicas": replicas,
            "priority": priority}
    if region:
        pairs = [r.partition("=") for r in region]
        bad = [r for r, (_, sep, value) in zip(region, pairs, strict=True) if not sep or not _number(value)]
        if bad:
            raise ScenarioError([f"--region: {bad[0]!r} is not SITE=REQUESTS_PER_DAY"])
        body["requests_per_day"] = {name: float(value) for name, _, value in pairs}
    if registries:
        body["sovereignty"] = {"compute_registries": registries.split(",")}
    headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
    job = _call("POST", "/v1/jobs", json={k: v for k, v in body.items() if v is not None}, headers=headers)
    _print(job, as_json, _job_rows([job]), JOB_COLUMNS, "submitted")


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@jobs.command("list")
def list_jobs(
    state: Annotated[str | None, typer.Option(help="only jobs in this state")] = None,
    kind: Annotated[str | None, typer.Option(help="only jobs of this kind")] = None,
    limit: Annotated[int, typer.Option(min=1, max=100)] = 50,
    cursor: Annotated[str | None, typer.Option(help="next_cursor of the previous page")] = None,
    as_json: JsonFlag = False,
):
    """Your jobs, oldest first, a page at a time."""
    params = {k: v for k, v in {"state": state, "kind": kind, "limit": limit, "cursor": cursor}.items() if v}
    page = _call("GET", "/v1/jobs", params=params)
    _print(page, as_json, _job_rows(page["items"]), JOB_COLUMNS,
           f"jobs (next cursor: {page['next_cursor']})" if page["next_cursor"] else "jobs")


@jobs.command()
def show(job_id: str, as_json: JsonFlag = False):
    """One job."""
    job = _call("GET", f"/v1/jobs/{job_id}")
    _print(job, as_json, _job_rows([job]), JOB_COLUMNS + ["submitted_t_s", "started_t_s", "finished_t_s"], job_id)


@jobs.command()
def cancel(job_id: str, as_json: JsonFlag = False):
    """Cancel a job (asking twice is harmless)."""
    job = _call("POST", f"/v1/jobs/{job_id}/cancel")
    _print(job, as_json, _job_rows([job]), JOB_COLUMNS, "cancel requested")


@jobs.command()
def events(job_id: str, as_json: JsonFlag = False):
    """A job's audit log: states, placements, checkpoints, failures, restarts."""
    page = _call("GET", f"/v1/jobs/{job_id}/events")
    rows = [{**e, "detail": json.dumps(e["detail"], separators=(",", ":"))} for e in page["items"]]
    _print(page, as_json, rows, ["seq", "utc", "kind", "state", "detail"], f"events of {job_id}")
