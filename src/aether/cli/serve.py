"""`aether serve`: the control plane on uvicorn. The service and its web stack are
imported only when this command runs, so the other commands start as light as before."""

from pathlib import Path
from typing import Annotated

import typer

from aether.errors import ScenarioError
from aether.scenario import load_scenario


def serve(
    scenario: Annotated[str, typer.Argument(help="YAML path or preset name")] = "project-aether",
    host: Annotated[str, typer.Option(help="address to listen on (loopback by default)")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    db: Annotated[str | None, typer.Option(help="database URL, e.g. postgresql+psycopg://user@host/db "
                                                 "(default: AETHER_DB_URL, else SQLite in --data-dir)")] = None,
    speed: Annotated[float, typer.Option(min=0, max=1e7, help="simulated seconds per wall second (0: paused; "
                                                              "POST /v1/admin/clock/step moves it)")] = 60.0,
    data_dir: Annotated[Path, typer.Option(help="folder for the SQLite store and the key pepper")] = Path(
        "aether-serve"),
):
    """Run the multi-tenant control plane: an HTTP API that runs jobs on the scenario's fleet."""
    loaded = load_scenario(scenario)
    import uvicorn
    from sqlalchemy.exc import ArgumentError, OperationalError

    from aether.service import Service, ServiceConfig, announce_admin_key, create_app

    try:
        service = Service(ServiceConfig(loaded, data_dir=data_dir, db_url=db, speed=speed))
    except (ArgumentError, OperationalError, ValueError) as error:
        where = "--db" if db else "AETHER_DB_URL / --data-dir"
        raise ScenarioError([f"{where}: cannot open the store: {str(error).splitlines()[0]}"]) from None
    if service.admin_key:
        announce_admin_key(service.admin_key)
    typer.echo(f"aether serve: {loaded.name} on http://{host}:{port} (speed {speed:g}x, OpenAPI at /openapi.json)",
               err=True)
    uvicorn.run(create_app(service), host=host, port=port, log_level="warning", access_log=False)
