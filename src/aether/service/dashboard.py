"""The dashboard at "/": aether.web's page and vendored CesiumJS, with the scene of the
service's scenario. The scene (aether.simulate, then aether.czml) is written the first time
the page asks for it and kept in the data folder under a digest of the scenario and
Aether's version, so a restart reuses it and a changed scenario gets a new one.

The API keeps its own answers: the page is the router's fallback, reached only by paths
no API route matches (a wrong method on an API path is still the API's 405, an unknown
/v1 path the API's problem+json 404).
"""

import hashlib
import logging
import threading
from pathlib import Path

from anyio import to_thread
from fastapi import FastAPI

from aether.czml import write_scene
from aether.scenario import Scenario
from aether.simulate import simulate
from aether.version import __version__
from aether.web import asgi_app, resolve

log = logging.getLogger("aether.service")
SCENE = "scene.czml"


class Scene:
    """The scenario's scene.czml in data_dir, written once on first use (thread-safe)."""

    def __init__(self, scenario: Scenario, data_dir: Path):
        self.scenario = scenario
        digest = hashlib.sha256((scenario.model_dump_json() + __version__).encode()).hexdigest()[:16]
        self.folder = Path(data_dir) / f"scene-{digest}"
        self._lock = threading.Lock()

    @property
    def path(self) -> Path:
        return self.folder / SCENE

    def ensure(self) -> Path:
        """The scene's path, simulating the scenario and writing it when it is not there."""
        with self._lock:
            if not self.path.exists():
                log.warning("writing the dashboard's scene of %s (once; kept in %s)", self.scenario.name, self.folder)
                self.folder.mkdir(parents=True, exist_ok=True)
                staging = self.path.with_suffix(".part")
                write_scene(simulate(self.scenario, workers=1), staging)
                staging.replace(self.path)
        return self.path


def mount_dashboard(app: FastAPI, scene: Scene) -> None:
    """Serve the dashboard for every path the API's routes do not match."""
    page = asgi_app(scene.folder)
    not_found = app.router.default

    async def dashboard(scope, receive, send):
        path = scope.get("path", "/")
        if scope["type"] == "http" and path == "/" + SCENE:
            await to_thread.run_sync(scene.ensure)
        if scope["type"] == "http" and not path.startswith("/v1/") and resolve(path, scene.folder) is not None:
            await page(scope, receive, send)
        else:
            await not_found(scope, receive, send)

    app.router.default = dashboard
