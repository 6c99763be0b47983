"""`aether view [FOLDER] [--port N] [--no-open]`: a run folder's globe (globe.html and
scene.czml) served on 127.0.0.1 until Ctrl-C. Browsers refuse WebGL textures and web
workers to pages opened from a file, so the globe is served, never double-clicked.

aether.cli registers `view` and prints bad input (ScenarioError) as one line, exit 2.
"""

import webbrowser
from pathlib import Path
from typing import Annotated

import typer

from aether.scenario import ScenarioError


def view(
    folder: Annotated[Path, typer.Argument(help="a run folder (with scene.czml)")] = Path("."),
    port: Annotated[int, typer.Option(min=0, max=65535, help="port on 127.0.0.1 (0: any free one)")] = 0,
    open_browser: Annotated[bool, typer.Option("--open/--no-open", help="open the page in a browser")] = True,
):
    """Show a run's globe: serve its folder and the dashboard on 127.0.0.1."""
    from aether.web import missing_vendored, serve_folder

    if not (folder / "scene.czml").is_file():
        raise ScenarioError([f"{folder}: no scene.czml here (give a folder written by aether run)"])
    if missing := missing_vendored():
        raise ScenarioError([f"aether.web: vendored CesiumJS files missing: {', '.join(missing)} "
                             "(reinstall Aether, or run scripts/vendor_web.sh in a checkout)"])
    try:
        server = serve_folder(folder, port=port)
    except OSError as error:
        raise ScenarioError([f"--port: {port}: cannot listen on 127.0.0.1 ({error.strerror})"]) from None
    url = f"http://127.0.0.1:{server.server_address[1]}/globe.html"
    typer.echo(f"{folder}: the globe is at {url} (Ctrl-C stops)")
    if open_browser:
        webbrowser.open(url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
