"""A sweep's rows on disk: small Parquet part files written whole as cases finish, and
results.parquet, all rows in case order, written at the end. --resume reads both to skip the
cases already finished.

A row is written at once unless the last part file is under FLUSH_S old; then it waits, with
any others that finish meanwhile, until that age (the sweep flushes when no case has finished
for FLUSH_S too). So a slow sweep writes a file per case, a fast one (1,000 cost-only cases)
one per FLUSH_S, and a killed sweep loses at most the rows of its last FLUSH_S.
"""

import json
import time
from pathlib import Path

from aether.errors import ScenarioError
from aether.files import inside, write_whole
from aether.sweep.spec import SweepSpec

RESULTS = "results.parquet"
PARTS = "parts"
SPEC = "spec.json"
FLUSH_S = 0.5


def schema(spec: SweepSpec):
    """The rows' columns: case, case_id, each axis and seed path, status, error, wall_time_s,
    each metric (float64), and feasible where the spec has constraints."""
    import pyarrow as pa

    def axis_type(values):
        kinds = {type(v) for v in values}
        if kinds <= {bool}:
            return pa.bool_()
        if kinds <= {int}:
            return pa.int64()
        if kinds <= {int, float}:
            return pa.float64()
        return pa.string()

    fields = [("case", pa.int64()), ("case_id", pa.string())]
    for axis in spec.axes:
        kind = axis_type(axis.values) if axis.values is not None else pa.int64() if axis.integer else pa.float64()
        fields.append((axis.path, kind))
    fields += [(path, pa.int64()) for path in (spec.seeds.paths if spec.seeds else [])]
    fields += [("status", pa.string()), ("error", pa.string()), ("wall_time_s", pa.float64())]
    fields += [(name, pa.float64()) for name in spec.metrics]
    if spec.constraints:
        fields.append(("feasible", pa.bool_()))
    return pa.schema(fields)


class RowStore:
    """The rows of the sweep written in `folder` (a growing_folder, already locked)."""

    def __init__(self, folder: Path, spec: SweepSpec, resume: bool):
        self.folder, self.schema = folder, schema(spec)
        self.parts = folder / PARTS
        marker = folder / SPEC
        written = json.dumps(spec.model_dump(mode="json", exclude={"base_dir", "origin", "description"}),
                             sort_keys=True)
        if resume and marker.exists() and marker.read_text() != written:
            raise ScenarioError([f"{folder}: holds a sweep of another spec (allowed: --resume with the spec "
                                 "that started it, or a new folder)"])
        self.parts.mkdir(exist_ok=True)
        write_whole(marker, written.encode())
        self.pending: list[dict] = []
        self.flushed = -FLUSH_S

    def finished(self) -> dict[str, dict]:
        """Rows already written (case_id -> row), from results.parquet and the part files."""
        import pyarrow.parquet as pq

        rows = {}
        files = ([self.folder / RESULTS] if (self.folder / RESULTS).exists() else []) + sorted(
            self.parts.glob("*.parquet"))
        for path in files:
            for row in pq.read_table(path).to_pylist():
                rows[row["case_id"]] = row
        return rows

    def add(self, row: dict) -> None:
        """Keep a finished case's row, written now if the last part file is FLUSH_S old."""
        self.pending.append(row)
        if time.monotonic() - self.flushed >= FLUSH_S:
            self.flush()

    def flush(self) -> None:
        """Write the rows kept since the last part file as one more, whole."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self.pending:
            sink = pa.BufferOutputStream()
            pq.write_table(pa.Table.from_pylist(self.pending, schema=self.schema), sink)
            write_whole(inside(self.parts, f"{self.pending[0]['case_id']}.parquet"), sink.getvalue().to_pybytes())
            self.pending = []
        self.flushed = time.monotonic()

    def compact(self):
        """All rows in case order as results.parquet (then the part files go); the table."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.flush()
        rows = sorted(self.finished().values(), key=lambda row: row["case"])
        table = pa.Table.from_pylist(rows, schema=self.schema)
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink)
        write_whole(self.folder / RESULTS, sink.getvalue().to_pybytes())
        for path in self.parts.glob("*.parquet"):
            path.unlink()
        return table
