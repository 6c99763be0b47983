"""Reading the files a scenario names (the scenario itself, TLEs, CSVs), within limits.

Each problem is one line naming the file: not found, a directory, too large, unreadable
or not UTF-8 text.
"""

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
