"""The dashboard's files: the page and its scripts, vendored CesiumJS, and how a URL path
maps to one of them or to a file of the run folder being shown."""

import mimetypes
import shutil
from pathlib import Path

STATIC = Path(__file__).parent / "static"
PAGE = "index.html"
# What the page needs from CesiumJS (scripts/vendor_web.sh copies them); a test fails if
# any is missing, since then the globe would be blank or would reach for the network.
VENDORED = (
    "vendor/cesium/Cesium.js", "vendor/cesium/Widgets/widgets.css", "vendor/cesium/Workers",
    "vendor/cesium/Assets/Textures/NaturalEarthII/tilemapresource.xml", "vendor/cesium/Assets/IAU2006_XYS",
    "vendor/cesium/LICENSE.md", "vendor/cesium/ThirdParty.json",
)
# Files of a run folder the page may read (the scene) or link to.
RUN_FILES = ("scene.czml", "report.html", "metrics.json")
TYPES = {".js": "text/javascript", ".czml": "application/json", ".wasm": "application/wasm",
         ".md": "text/markdown"}


def missing_vendored() -> list[str]:
    """The vendored paths that are not there (empty when the dashboard is complete)."""
    return [path for path in VENDORED if not (STATIC / path).exists()]


def write_globe(folder: Path) -> Path:
    """Put the dashboard page into a run folder as globe.html, beside its scene.czml."""
    target = Path(folder) / "globe.html"
    shutil.copyfile(STATIC / PAGE, target)
    return target


def content_type(path: Path) -> str:
    kind = TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"{kind}; charset=utf-8" if kind.startswith("text/") or kind == "application/json" else kind


def resolve(url_path: str, folder: Path | None = None) -> Path | None:
    """The file for a URL path: "/" and "/globe.html" are the page, RUN_FILES come from the
    run folder, anything else from the package's static files; None for what is not there
    or lies outside them (no "..", no absolute paths)."""
    path = url_path.split("?", 1)[0].split("#", 1)[0]
    parts = [p for p in path.split("/") if p]
    if any(p in (".", "..") or "\\" in p or "\0" in p for p in parts):
        return None
    if not parts or parts == ["globe.html"]:
        return STATIC / PAGE
    if folder is not None and len(parts) == 1 and parts[0] in RUN_FILES:
        found = Path(folder) / parts[0]
        return found if found.is_file() else None
    found = STATIC.joinpath(*parts)
    return found if found.is_file() and STATIC in found.resolve().parents else None
