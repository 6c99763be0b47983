"""The dashboard: a CesiumJS globe of a run's scene.czml with a Compute Ship panel, a
network panel and a jobs panel, served from files inside the package.

CesiumJS is vendored (scripts/vendor_web.sh, pinned in web/package.json and its lock): the
page loads the bundled Natural Earth II imagery and needs no Ion token, so no request
leaves the machine. Browsers refuse WebGL textures and workers to pages opened from
file://, so the page is served over HTTP on loopback: by `aether view RUN_FOLDER`
(serve_folder), or by the control plane mounting asgi_app at "/".
"""

from aether.web.files import STATIC, VENDORED, content_type, missing_vendored, resolve, write_globe
from aether.web.serve import asgi_app, serve_folder

__all__ = ["STATIC", "VENDORED", "asgi_app", "content_type", "missing_vendored", "resolve", "serve_folder",
           "write_globe"]
