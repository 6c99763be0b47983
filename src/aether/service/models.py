"""The service's tables (SQLAlchemy 2 ORM): tenants, their API keys, jobs, each job's
append-only events, and the service's own state (admin key digest, the twin's clock).

The schema is created and changed only by the Alembic migrations in `migrations/`; these
classes map it. Times of the twin are seconds from the scenario's start (`*_t_s`); wall
times are UTC seconds since the epoch (`*_at`).
"""

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class ServiceState(Base):
    """Key-value rows: the admin key's digest, the twin's clock."""

    __tablename__ = "service_state"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(256))


class Tenant(Base):
    __tablename__ = "tenants"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    max_concurrent_gpus: Mapped[int] = mapped_column(Integer)
    max_gpu_hours_per_day: Mapped[float] = mapped_column(Float)
    max_jobs: Mapped[int] = mapped_column(Integer)
    requests_per_s: Mapped[float] = mapped_column(Float)
    burst: Mapped[int] = mapped_column(Integer)
    # GPU-seconds used on the twin's day `usage_day` (days since the scenario's start).
    usage_day: Mapped[int] = mapped_column(Integer, default=0)
    gpu_s_used: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[float] = mapped_column(Float)


class ApiKey(Base):
    """A tenant's key `<prefix>_<secret>`: only the prefix and HMAC-SHA256(pepper, secret) are kept."""

    __tablename__ = "api_keys"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(40), unique=True)
    tenant_seq: Mapped[int] = mapped_column(ForeignKey("tenants.seq", ondelete="CASCADE"), index=True)
    prefix: Mapped[str] = mapped_column(String(32), unique=True)
    digest: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[float] = mapped_column(Float)
    expires_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    revoked_at: Mapped[float | None] = mapped_column(Float, nullable=True)


class Job(Base):
    """A tenant's job. `work_*` count the job's own unit: FLOPs (training), GPU-seconds
    (fine-tuning), seconds served (inference)."""

    __tablename__ = "jobs"
    __table_args__ = (UniqueConstraint("tenant_seq", "idempotency_key"),
                      Index("ix_jobs_tenant_state", "tenant_seq", "state"))
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(40), unique=True)
    tenant_seq: Mapped[int] = mapped_column(ForeignKey("tenants.seq", ondelete="CASCADE"))
    idempotency_key: Mapped[str | None] = mapped_column(String(255), nullable=True)
    request_digest: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    spec: Mapped[dict] = mapped_column(JSON)
    priority: Mapped[int] = mapped_column(Integer)
    gpus: Mapped[int] = mapped_column(Integer)
    mfu: Mapped[float] = mapped_column(Float)
    state: Mapped[str] = mapped_column(String(16), index=True)
    reason: Mapped[str | None] = mapped_column(String(64), nullable=True)
    ship: Mapped[str | None] = mapped_column(String(64), nullable=True)
    gateway: Mapped[str | None] = mapped_column(String(64), nullable=True)
    work_total: Mapped[float] = mapped_column(Float)
    work_done: Mapped[float] = mapped_column(Float, default=0.0)
    checkpoint_work: Mapped[float] = mapped_column(Float, default=0.0)
    checkpoint_every_work: Mapped[float] = mapped_column(Float)
    failure_rate_per_s: Mapped[float] = mapped_column(Float)
    restart_s: Mapped[float] = mapped_column(Float)
    submitted_t_s: Mapped[float] = mapped_column(Float)
    deadline_t_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    resume_t_s: Mapped[float] = mapped_column(Float, default=0.0)
    started_t_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    finished_t_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_at: Mapped[float] = mapped_column(Float)


class JobEvent(Base):
    """One line of a job's audit log; rows are only ever added (and go with their job)."""

    __tablename__ = "job_events"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_seq: Mapped[int] = mapped_column(ForeignKey("jobs.seq", ondelete="CASCADE"), index=True)
    t_s: Mapped[float] = mapped_column(Float)
    at: Mapped[float] = mapped_column(Float)
    kind: Mapped[str] = mapped_column(String(24))
    state: Mapped[str] = mapped_column(String(16))
    detail: Mapped[dict] = mapped_column(JSON)
