"""Reading the files a scenario names (the scenario itself, TLEs, CSVs), within limits.

Each problem is one line naming the file: not found, a directory, too large, unreadable,
not UTF-8 text, or (for CSV) a bad header or a row of the wrong length.
"""

import csv
import io
from pathlib import Path

from aether.errors import ScenarioError

MB = 1_000_000
MAX_SCENARIO_BYTES = 10 * MB
# Sites, data-centre and TLE files (CelesTrak's whole catalogue is about 3 MB of TLEs).
MAX_DATA_FILE_BYTES = 50 * MB


def read_bytes(path: Path, where: str, max_bytes: int) -> bytes:
    """The file's bytes; ScenarioError `where: what is wrong` when it cannot be used.

    Reads at most max_bytes + 1, so a device or a pipe never fills memory either.
    """
    if path.is_dir():
        raise ScenarioError([f"{where}: is a directory (allowed: a file)"])
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise ScenarioError([f"{where}: file not found"]) from None
    except (OSError, ValueError) as error:  # ValueError: a NUL in the path
        reason = getattr(error, "strerror", None) or str(error)
        raise ScenarioError([f"{where}: cannot be read ({reason})"]) from None
    if len(data) > max_bytes:
        raise ScenarioError([f"{where}: larger than {max_bytes // MB} MB (allowed: up to "
                             f"{max_bytes // MB} MB)"])
    return data


def decode_text(data: bytes, where: str) -> str:
    """UTF-8 text (a leading byte-order mark is dropped); ScenarioError naming the line otherwise."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ScenarioError([f"{where}: line {line}: byte 0x{data[error.start]:02x} is not UTF-8 "
                             "(allowed: UTF-8 text)"]) from None


def read_text(path: Path, where: str, max_bytes: int) -> str:
    """A UTF-8 text file of at most max_bytes."""
    return decode_text(read_bytes(path, where, max_bytes), where)


def csv_rows(text: str, where: str, required: tuple[str, ...],
             optional: tuple[str, ...] = ()) -> list[tuple[int, dict[str, str]]]:
    """(line number, {column: cell without surrounding spaces}) for each non-empty CSV row.

    The header holds the required columns and perhaps the optional ones, each once, in any
    order; every row has as many fields as the header. Problems are one line naming the line.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    try:
        header = [column.strip() for column in next(reader, [])]
        if (set(required) - set(header) or set(header) - set(required + optional)
                or len(set(header)) != len(header)):
            also = f" and optionally {', '.join(optional)}" if optional else ""
            raise ScenarioError([f"{where}: line 1: header {','.join(header) or '(empty)'} "
                                 f"(allowed: {', '.join(required)}{also}, each once)"])
        for cells in reader:
            if not cells:
                continue
            if len(cells) != len(header):
                raise ScenarioError([f"{where}: line {reader.line_num}: {len(cells)} fields "
                                     f"(allowed: {len(header)}, as the header: {','.join(header)})"])
            rows.append((reader.line_num, dict(zip(header, (c.strip() for c in cells), strict=True))))
    except csv.Error as error:
        raise ScenarioError([f"{where}: line {reader.line_num}: {error} (allowed: CSV text)"]) from None
    return rows
