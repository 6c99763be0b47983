"""A run as CZML, the time-dynamic scene format of CesiumJS: `scene.czml` in every run
folder and `aether czml`. Builds JSON from the run's results; simulates nothing itself
beyond sampling positions and links at the scene's instants (see scene.py)."""

from pathlib import Path

from aether.czml.scene import (
    DEFAULT_STEP_S,
    INTERPOLATION_DEGREE,
    MAX_STEP_S,
    czml_text,
    entity_ids,
    sample_grid,
    scene_packets,
    scene_summary,
)


def write_scene(results, path: Path, step_s: float = DEFAULT_STEP_S) -> dict:
    """Write the run's CZML to path (a plain write: callers pass a staging path) and return
    scene_summary of it."""
    packets = scene_packets(results, step_s)
    Path(path).write_text(czml_text(packets))
    return scene_summary(packets)


__all__ = ["DEFAULT_STEP_S", "INTERPOLATION_DEGREE", "MAX_STEP_S", "czml_text", "entity_ids", "sample_grid",
           "scene_packets", "scene_summary", "write_scene"]
