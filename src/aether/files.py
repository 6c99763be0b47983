"""Outputs written whole or not at all, under names that stay inside their folder.

Every command that writes files (run, orbit --export-tle, and the exports, sweeps and
service to come) goes through this module:

- `output_folder(path, force)`: locks `path`, yields an empty hidden folder beside it to
  write into, and only when the body finishes marks it complete and renames it into
  place. An interrupted or failed write leaves no `path` at all.
- `output_file(path)`: yields a hidden file beside `path` to write into, then hard-links
  it into place, which fails rather than overwrite a file that appeared meanwhile.
- `growing_folder(path, resume)` and `write_whole(path, data)`: a locked folder that a
  long job (a sweep) fills file by file, each file whole, so a killed job keeps what it
  finished.
- `safe_name`, `file_names`, `inside`: names from scenarios and TLE files are data,
  never paths.

Everything that can fail for lack of a folder or permission fails on entering the
context, before the caller spends a minute computing. Failures are ScenarioErrors: one
line naming the path, what is wrong and what to do. Folder locks need POSIX (fcntl): elsewhere
writing a folder is refused in one line, and commands that write nothing still work.
"""

import json
import os
import re
import secrets
import shutil
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from aether.errors import ScenarioError

try:
    import fcntl
except ImportError:  # Windows: no POSIX record locks
    fcntl = None

MARKER = "complete.json"  # in a finished output folder: the list of its files
NAME_BYTES = 100  # longest name safe_name returns, in UTF-8 bytes: room for suffixes under 255
_FOLDER_BYTES = 200  # longest output folder or file name: room for the hidden siblings' prefix and suffix
_held: set[Path] = set()  # lock files this process holds
_held_guard = threading.Lock()


def safe_name(text: str) -> str:
    """A plain file name from any text: letters, digits, '-', '_' and '.' kept, every other
    character (separators, NUL, control and space) made '_'; never hidden, never '.' or
    '..', at most NAME_BYTES long, and 'unnamed' when nothing is left."""
    kept = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in unicodedata.normalize("NFC", text))
    kept = re.sub(r"_+", "_", kept).strip("._-")
    kept = kept.encode()[:NAME_BYTES].decode(errors="ignore").rstrip("._-")
    return kept or "unnamed"


def file_names(names: Iterable[str], suffix: str = "") -> dict[str, str]:
    """A safe file name (with suffix) for each name, made unique with '-2', '-3', ... even on
    case-insensitive file systems, where 'Ship' and 'ship' are one file."""
    chosen: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        stem = safe_name(name)
        candidate, n = stem + suffix, 1
        while candidate.casefold() in taken:
            n += 1
            candidate = f"{stem}-{n}{suffix}"
        taken.add(candidate.casefold())
        chosen[name] = candidate
    return chosen


def inside(folder: Path, name: str) -> Path:
    """folder / name, refusing (ValueError) a name that is not one plain entry of folder."""
    path = folder / name
    if name in ("", ".", "..") or path.parent != folder or path.resolve().parent != folder.resolve():
        raise ValueError(f"{name!r} is not a plain file name inside {folder}")
    return path


def _sibling(path: Path, kind: str) -> Path:
    """A hidden, unique name beside path for a temporary or replaced copy of it."""
    return path.with_name(f".{path.name}.{kind}-{secrets.token_hex(4)}")


def _check_name(path: Path, shown: Path) -> None:
    if not path.name:
        raise ScenarioError([f"{shown}: not a name for a new folder or file (give a path such as out/run-1)"])
    if len(os.fsencode(path.name)) > _FOLDER_BYTES:
        raise ScenarioError([f"{shown}: name longer than {_FOLDER_BYTES} bytes (choose a shorter one)"])


def _check_folder(path: Path, shown: Path, force: bool) -> None:
    """Refuse a path that is a file, a folder of other files, or a finished run without force."""
    if path.exists() and not path.is_dir():
        raise ScenarioError([f"{shown}: is a file, not a folder (choose a new folder for the outputs)"])
    if not path.is_dir():
        return
    entries = os.listdir(path)
    if entries and MARKER not in entries:
        raise ScenarioError([f"{shown}: holds files but no {MARKER}, so it is not a finished run "
                             "(choose another folder; --force replaces only a finished run)"])
    if entries and not force:
        raise ScenarioError([f"{shown}: already holds a finished run (choose another folder, "
                             "or pass --force to replace it)"])


@contextmanager
def _locked(path: Path, shown: Path) -> Iterator[None]:
    """Hold the lock file beside path, or refuse at once if another run holds it.

    A POSIX record lock (lockf): the kernel drops it when its process dies, so a killed
    run never blocks the next, and forked worker processes do not inherit it. It does not
    exclude the process from itself, so a set of held locks does that (for threads, e.g.
    a service). The lock file is removed on release; a process that opened it just before
    is sent round again.
    """
    if fcntl is None:
        raise ScenarioError([f"{shown}: writing an output folder needs POSIX file locks, which this "
                             "system lacks (allowed: Linux or macOS)"])
    lock = path.with_name(f".{path.name}.lock")
    busy = ScenarioError([f"{shown}: another run is writing this folder (wait for it, or choose another folder)"])
    with _held_guard:
        if lock in _held:
            raise busy
        _held.add(lock)
    try:
        while True:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except (BlockingIOError, PermissionError):  # EAGAIN or EACCES: held
                os.close(fd)
                raise busy from None
            if os.path.exists(lock) and os.path.samestat(os.stat(lock), os.fstat(fd)):
                break
            os.close(fd)
        try:
            yield
        finally:
            lock.unlink(missing_ok=True)  # someone may have deleted it by hand
            os.close(fd)
    finally:
        with _held_guard:
            _held.discard(lock)


def _remove_leftovers(path: Path) -> None:
    """Delete the hidden partial and replaced copies that killed runs left beside path
    (only called under path's lock, so none of them is being written)."""
    pattern = re.compile(re.escape(f".{path.name}.") + r"(partial|replaced)-[0-9a-f]{8}")
    for entry in os.listdir(path.parent):
        if pattern.fullmatch(entry):
            shutil.rmtree(path.parent / entry, ignore_errors=True)


def _commit(staging: Path, path: Path, force: bool) -> None:
    """Mark staging complete and rename it to path, replacing a finished run there under force.

    A folder renamed onto a folder that is not empty, or onto a file, fails: nothing else is
    ever clobbered. A replaced run is put back if the second rename fails.
    """
    files = sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file())
    (staging / MARKER).write_text(json.dumps({"files": files}, indent=2) + "\n")
    if not (force and (path / MARKER).is_file()):
        os.rename(staging, path)
        return
    aside = _sibling(path, "replaced")
    os.rename(path, aside)
    try:
        os.rename(staging, path)
    except BaseException:
        os.rename(aside, path)
        raise
    shutil.rmtree(aside, ignore_errors=True)  # a leftover is cleared by the next run


@contextmanager
def output_folder(path: Path, force: bool = False) -> Iterator[Path]:
    """Write a folder whole or not at all: yield an empty staging folder beside path.

    On entry: refuse a path that is a file, a folder of other files, or (without force)
    a finished run; create path's parents; take path's lock (refused if another run holds
    it); clear what killed runs left. On a clean exit the staging folder gets MARKER and
    replaces path. On any error or interrupt it is removed and nothing changes at path;
    an OSError becomes a ScenarioError saying so.
    """
    shown, path = path, path.resolve()
    _check_name(path, shown)
    with ExitStack() as stack:
        try:
            _check_folder(path, shown, force)
            path.parent.mkdir(parents=True, exist_ok=True)
            stack.enter_context(_locked(path, shown))
            _check_folder(path, shown, force)  # again, under the lock: a run may have finished meanwhile
            _remove_leftovers(path)
            staging = _sibling(path, "partial")
            staging.mkdir()
        except OSError as error:
            raise ScenarioError([f"{shown}: cannot write there ({error.strerror}: {error.filename}) "
                                 "(choose a folder you can write to)"]) from None
        try:
            yield staging
            _commit(staging, path, force)
        except OSError as error:
            raise ScenarioError([f"{shown}: stopped before the outputs were complete ({error}); "
                                 "nothing written"]) from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)


@contextmanager
def output_file(path: Path) -> Iterator[Path]:
    """Write one new file whole or not at all: yield a hidden path beside it to write.

    On entry: refuse a path that exists or whose folder is missing or not writable. On a
    clean exit the written file is hard-linked to path, which refuses (never overwrites) a
    file that appeared meanwhile. The hidden file is always removed; an OSError becomes a
    ScenarioError.
    """
    shown, path = path, Path(os.path.abspath(path))
    _check_name(path, shown)
    if path.exists() or path.is_symlink():
        raise ScenarioError([f"{shown}: already exists (choose another file name)"])
    if not path.parent.is_dir():
        raise ScenarioError([f"{shown}: folder {path.parent} does not exist (create it first)"])
    staging = _sibling(path, "partial")
    try:
        os.close(os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
    except OSError as error:
        raise ScenarioError([f"{shown}: cannot write in {path.parent} ({error.strerror}) "
                             "(choose a folder you can write to)"]) from None
    try:
        yield staging
        os.link(staging, path)
    except FileExistsError:
        raise ScenarioError([f"{shown}: appeared while this command ran; left as it is "
                             "(choose another file name)"]) from None
    except OSError as error:
        raise ScenarioError([f"{shown}: could not be written ({error}); nothing written"]) from None
    finally:
        staging.unlink(missing_ok=True)


@contextmanager
def growing_folder(path: Path, resume: bool = False) -> Iterator[Path]:
    """A folder written piece by piece over a long job (a sweep), each piece whole through
    write_whole, so that a killed job keeps every piece it finished and `resume` carries on.

    On entry: refuse a path that is a file, or (without resume) a folder that holds files;
    create it; take its lock (refused if another job holds it). An OSError becomes a
    ScenarioError.
    """
    shown, path = path, path.resolve()
    _check_name(path, shown)
    if path.exists() and not path.is_dir():
        raise ScenarioError([f"{shown}: is a file, not a folder (choose a new folder for the outputs)"])
    if path.is_dir() and os.listdir(path) and not resume:
        raise ScenarioError([f"{shown}: already holds files (choose another folder, or pass --resume "
                             "to carry on the sweep written there)"])
    try:
        path.mkdir(parents=True, exist_ok=True)
        with _locked(path, shown):
            yield path
    except OSError as error:
        raise ScenarioError([f"{shown}: cannot write there ({error.strerror}: {error.filename}) "
                             "(choose a folder you can write to)"]) from None


def write_whole(path: Path, data: bytes) -> None:
    """Write a file whole or not at all: a hidden sibling renamed over path (atomic on POSIX)."""
    staging = _sibling(path, "partial")
    try:
        staging.write_bytes(data)
        os.replace(staging, path)
    finally:
        staging.unlink(missing_ok=True)
