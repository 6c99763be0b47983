"""The relay mesh: +Grid laser links inside a Walker shell or an ordered TLE set.

Satellites are ordered plane by plane, slot within plane (as aether.orbit builds them).
Each satellite links to the next satellite in its plane and to the same slot in the
next plane, which together give every satellite its four +Grid neighbours: P x S
satellites have 2PS links (rings need at least three members to avoid repeats).
"""

import numpy as np

from aether.errors import ScenarioError


def plus_grid_pairs(planes: int, per_plane: int, first: int = 0) -> np.ndarray:
    """[links, 2] satellite index pairs of a +Grid over planes x per_plane satellites."""
    index = first + np.arange(planes * per_plane).reshape(planes, per_plane)
    pairs = []
    if per_plane >= 2:
        nxt = np.roll(index, -1, axis=1)
        keep = slice(None) if per_plane >= 3 else slice(0, per_plane - 1)
        pairs.append(np.stack([index[:, keep], nxt[:, keep]], -1).reshape(-1, 2))
    if planes >= 2:
        nxt = np.roll(index, -1, axis=0)
        keep = slice(None) if planes >= 3 else slice(0, planes - 1)
        pairs.append(np.stack([index[keep], nxt[keep]], -1).reshape(-1, 2))
    return np.concatenate(pairs) if pairs else np.zeros((0, 2), int)


def mesh_pairs(scenario, orbits) -> np.ndarray:
    """+Grid pairs of every relay entry that forms a shell (Walker, or TLE with planes).

    A TLE set asked to mesh without planes/per_plane cannot be ordered: ScenarioError.
    """
    settings = scenario.network
    if settings.mesh == "none":
        return np.zeros((0, 2), int)
    pairs, problems = [], []
    for index, craft in enumerate(scenario.spacecraft):
        orbit = craft.orbit
        if craft.role != "relay" or orbit.kind not in ("walker_delta", "tle"):
            continue
        if orbit.kind == "tle" and orbit.planes is None:
            problems.append(
                f"{scenario.origin}: spacecraft[{index}].orbit: a +Grid laser mesh needs the TLE "
                "set ordered into planes (allowed: give planes and per_plane, or network.mesh: none)"
            )
            continue
        members = orbits.members(craft.name)
        per_plane = orbit.per_plane if orbit.kind == "tle" else orbit.total // orbit.planes
        pairs.append(plus_grid_pairs(orbit.planes, per_plane, first=int(members[0])))
    if problems:
        raise ScenarioError(problems)
    return np.concatenate(pairs) if pairs else np.zeros((0, 2), int)
