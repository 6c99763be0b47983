"""The service's state in one object: the store, the twin and its scheduler, the clock,
keys and rate limits. The HTTP routes (app.py) are a thin shell over it.

Durability: every change is committed in one transaction before a route answers, and the
twin's clock is a row in the same database. On start, jobs that were RUNNING resume from
their last checkpoint (the progress since then died with the process that held it).
"""

import base64
import logging
import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from aether.scenario import Scenario
from aether.service import keys
from aether.service.models import ApiKey, Job, JobEvent, ServiceState, Tenant
from aether.service.scheduler import DEFAULT_TICK_S, Scheduler
from aether.service.store import make_engine, migrate, session_factory, sqlite_url
from aether.service.twin import DEFAULT_HORIZON_S, Twin

log = logging.getLogger("aether.service")
DEFAULT_DATA_DIR = Path("aether-serve")
BODY_LIMIT_BYTES = 64 * 1024
# How long a tenant key's row (digest, revocation, expiry, tenant) is trusted from memory
# before it is read again; revoking through this service forgets it at once.
KEY_CACHE_S = 5.0


@dataclass(frozen=True)
class KnownKey:
    """A tenant key as read from the store, kept in memory for KEY_CACHE_S."""

    digest: str
    tenant: Tenant  # detached: its quota columns are read, never written through it
    revoked: bool
    expires_at: float | None
    read_at: float


@dataclass(frozen=True)
class ServiceConfig:
    scenario: Scenario
    data_dir: Path = DEFAULT_DATA_DIR
    db_url: str | None = None
    speed: float = 0.0  # simulated seconds per wall second; 0: the clock moves only when stepped
    tick_s: float = DEFAULT_TICK_S
    horizon_s: float = DEFAULT_HORIZON_S
    body_limit_bytes: int = BODY_LIMIT_BYTES


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(str(seq).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int | None:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        return int(text) if text.isdigit() and len(text) < 19 else None
    except ValueError:
        return None


class RateLimiter:
    """A token bucket per tenant: `rate` requests per second, up to `burst` at once."""

    def __init__(self):
        self._buckets: dict[int, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def retry_after_s(self, tenant: int, rate: float, burst: int) -> float:
        """0 and a token taken when the request may go ahead, else seconds until it may."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(tenant, (float(burst), now))
            tokens = min(float(burst), tokens + (now - last) * rate)
            if tokens >= 1.0:
                self._buckets[tenant] = (tokens - 1.0, now)
                return 0.0
            self._buckets[tenant] = (tokens, now)
            return (1.0 - tokens) / rate


class Service:
    def __init__(self, config: ServiceConfig, twin: Twin | None = None):
        self.config = config
        config.data_dir.mkdir(parents=True, exist_ok=True)
        url = config.db_url or os.environ.get("AETHER_DB_URL") or sqlite_url(config.data_dir)
        self.engine = make_engine(url)
        self.revision = migrate(self.engine)
        self.sessions = session_factory(self.engine)
        self.pepper = keys.load_pepper(config.data_dir)
        self.twin = twin or Twin(config.scenario, config.horizon_s)
        self.scheduler = Scheduler(self.twin, config.scenario.run.seed, config.tick_s)
        self.limiter = RateLimiter()
        self.clock_lock = threading.Lock()
        self._keys: dict[str, KnownKey] = {}
        self._stop = threading.Event()
        self._clock_thread: threading.Thread | None = None
        with self.sessions.begin() as session:
            self.admin_key = self._admin_key(session)
            self.admin_prefix = self._state(session, "admin_prefix")
            self._admin_digest = self._state(session, "admin_digest") or ""
            self.t_s = float(self._state(session, "clock_t_s") or 0.0)
            self._resume(session)

    # -- state rows
    @staticmethod
    def _state(session: Session, key: str) -> str | None:
        row = session.get(ServiceState, key)
        return row.value if row else None

    @staticmethod
    def _set_state(session: Session, key: str, value: str) -> None:
        row = session.get(ServiceState, key)
        if row:
            row.value = value
        else:
            session.add(ServiceState(key=key, value=value))

    def _admin_key(self, session: Session) -> str | None:
        """AETHER_ADMIN_KEY, else a key made on first start; only its digest is stored.
        Returns the new key when one was made (to be printed once), else None."""
        given = os.environ.get("AETHER_ADMIN_KEY")
        made = None
        if given:
            parts = keys.split_key(given)
            if parts is None:
                raise ValueError("AETHER_ADMIN_KEY: not a key of the form <prefix>_<secret>")
            prefix, secret = parts
        elif self._state(session, "admin_digest") is None:
            made, prefix, secret = keys.new_key(keys.ADMIN_PREFIX)
        else:
            return None
        self._set_state(session, "admin_prefix", prefix)
        self._set_state(session, "admin_digest", keys.digest(self.pepper, secret))
        return made

    def _resume(self, session: Session) -> None:
        """Jobs that were RUNNING when the service stopped go on from their last checkpoint."""
        now = time.time()
        for job in session.scalars(select(Job).where(Job.state == "RUNNING")):
            lost = job.work_done - job.checkpoint_work
            job.work_done = job.checkpoint_work
            session.add(JobEvent(job_seq=job.seq, t_s=self.t_s, at=now, kind="restart", state="RUNNING",
                                 detail={"ship": job.ship, "lost_work": lost,
                                         "from_checkpoint": job.checkpoint_work / job.work_total}))

    # -- auth
    def principal(self, authorization: str | None) -> Tenant | None:
        """The tenant of a tenant key, None for the admin key; raises PermissionError (401).
        Keys are checked from memory (KEY_CACHE_S); the store is read only on a miss."""
        if not authorization or not authorization.startswith("Bearer "):
            raise PermissionError("send Authorization: Bearer <key>")
        parts = keys.split_key(authorization.removeprefix("Bearer ").strip())
        if parts is None:
            raise PermissionError("the key is not of the form <prefix>_<secret>")
        prefix, secret = parts
        if prefix == self.admin_prefix:
            if keys.matches(self.pepper, secret, self._admin_digest):
                return None
            raise PermissionError("unknown key")
        now = time.time()
        known = self._keys.get(prefix)
        if known is None or now - known.read_at > KEY_CACHE_S:
            known = self._read_key(prefix, now)
        if known is None or not keys.matches(self.pepper, secret, known.digest):
            raise PermissionError("unknown key")
        if known.revoked:
            raise PermissionError("the key was revoked")
        if known.expires_at is not None and known.expires_at <= now:
            raise PermissionError("the key has expired")
        return known.tenant

    def known_key(self, prefix: str) -> KnownKey | None:
        """The key's row from memory when it is fresh, else None (the caller reads the store)."""
        known = self._keys.get(prefix)
        return known if known is not None and time.time() - known.read_at <= KEY_CACHE_S else None

    def _read_key(self, prefix: str, now: float) -> KnownKey | None:
        with self.sessions() as session:
            key = session.scalars(select(ApiKey).where(ApiKey.prefix == prefix)).first()
            if key is None:
                return None
            known = KnownKey(key.digest, session.get(Tenant, key.tenant_seq), key.revoked_at is not None,
                             key.expires_at, now)
        self._keys[prefix] = known
        return known

    def forget_key(self, prefix: str) -> None:
        """Drop a key from memory (after it was revoked), so the next request reads the store."""
        self._keys.pop(prefix, None)

    # -- the clock
    def step(self, seconds: float) -> float:
        """Advance the twin and every job by `seconds`, in one transaction; the new time."""
        with self.clock_lock, self.sessions.begin() as session:
            t_to = self.t_s + seconds
            self.scheduler.advance(session, self.t_s, t_to)
            self._set_state(session, "clock_t_s", repr(t_to))
            session.flush()
        self.t_s = t_to
        return t_to

    def start_clock(self) -> None:
        if self.config.speed > 0 and self._clock_thread is None:
            self._clock_thread = threading.Thread(target=self._run_clock, name="aether-clock", daemon=True)
            self._clock_thread.start()

    def _run_clock(self) -> None:
        interval_s = max(0.2, self.config.tick_s / self.config.speed)
        last = time.monotonic()
        while not self._stop.wait(interval_s):
            now = time.monotonic()
            try:
                self.step((now - last) * self.config.speed)
            except Exception:  # keep the clock going; the log has the reason
                log.exception("clock step failed")
            last = now

    def close(self) -> None:
        self._stop.set()
        if self._clock_thread:
            self._clock_thread.join(timeout=10)
        self.engine.dispose()


def announce_admin_key(key: str) -> None:
    """Print a new admin key once, on stderr (never through the log)."""
    print(f"aether serve: admin key (shown once, store it now): {key}", file=sys.stderr, flush=True)
