"""Time in CZML: ISO 8601 instants and intervals, and values that hold over runs of steps.

CZML writes an interval as "start/stop" in ISO 8601 UTC (the czml-writer wiki's
TimeInterval); a property that changes now and then is a list of {"interval": ..., value}
objects, one per run of equal values, which CesiumJS reads as a TimeIntervalCollection.
"""

from datetime import datetime

import numpy as np


def iso(instants: np.ndarray) -> np.ndarray:
    """ISO 8601 UTC strings ("2026-06-21T00:00:00Z"; milliseconds where an instant has them)
    of datetime64 instants."""
    instants = np.asarray(instants, "datetime64[ms]")
    whole = np.all(instants == instants.astype("datetime64[s]"))
    return np.char.add(np.datetime_as_string(instants, unit="s" if whole else "ms"), "Z")


def instants(start: datetime, seconds: np.ndarray) -> np.ndarray:
    """datetime64[ms] instants start + seconds."""
    origin = np.datetime64(start.replace(tzinfo=None), "ms")
    return origin + np.round(np.asarray(seconds, float) * 1e3).astype("timedelta64[ms]")


def runs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first index, one past the last index) of each run of equal consecutive values."""
    values = np.asarray(values)
    if values.size == 0:
        return np.zeros(0, int), np.zeros(0, int)
    change = np.flatnonzero(values[1:] != values[:-1]) + 1
    first = np.concatenate([[0], change])
    return first, np.concatenate([change, [values.size]])


def interval_list(start: datetime, seconds: np.ndarray, end_s: float, values: np.ndarray,
                  packet) -> list[dict]:
    """One {"interval": ..., **packet(value)} per run of equal values, where values[k] holds
    from seconds[k] until seconds[k + 1] (the last until end_s). packet turns a value into
    the CZML fields of that interval (e.g. {"rgba": [...]})."""
    first, stop = runs(values)
    bounds = np.append(np.asarray(seconds, float), end_s)
    starts, stops = iso(instants(start, bounds[first])), iso(instants(start, bounds[stop]))
    return [{"interval": f"{a}/{b}", **packet(values[k])}
            for a, b, k in zip(starts.tolist(), stops.tolist(), first.tolist(), strict=True)]
