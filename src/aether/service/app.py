"""The HTTP API (FastAPI): jobs for tenants, the fleet at the twin's now, and admin routes
for tenants, keys and the clock. Every route answers problem+json on error; a tenant sees
only its own jobs (another tenant's are 404, exactly as if they did not exist)."""

import gc
import hashlib
import json
import time
import uuid
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import Body, Depends, FastAPI, Header, Query, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.openapi.utils import get_openapi
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from aether.service import keys, policy
from aether.service.core import Service, decode_cursor, encode_cursor
from aether.service.dashboard import Scene, mount_dashboard
from aether.service.models import ApiKey, Job, JobEvent, Tenant
from aether.service.problems import ApiError, BodyLimit, document, install
from aether.service.scheduler import ACTIVE, FINISHED
from aether.service.schemas import (
    ClockOut,
    ClockStep,
    EventOut,
    EventPage,
    FleetOut,
    JobIn,
    JobOut,
    JobPage,
    JobState,
    KeyIn,
    KeyOut,
    ShipOut,
    TenantIn,
    TenantOut,
)
from aether.service.work import UNITS, Impossible, plan_job
from aether.version import __version__

MAX_IDEMPOTENCY_KEY = 255


def _iso(epoch_s: float | None) -> str | None:
    return None if epoch_s is None else datetime.fromtimestamp(epoch_s, UTC).isoformat().replace("+00:00", "Z")


def create_app(service: Service, dashboard: bool = True) -> FastAPI:
    """The API on the service; with dashboard, the globe page at "/" (see dashboard.py)."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        # Everything made at start-up (the twin, the models, the imported libraries) lives as
        # long as the process: out of the collector's sight, so its full collections, which
        # stalled requests by about 100 ms, walk only what requests make.
        gc.collect()
        gc.freeze()
        service.start_clock()
        yield
        service.close()

    app = FastAPI(title="Aether control plane", version=__version__, lifespan=lifespan,
                  description="Jobs on a fleet of Compute Ships, run on Aether's twin.")
    install(app)
    app.add_middleware(BodyLimit, max_bytes=service.config.body_limit_bytes)

    def openapi() -> dict:
        if not app.openapi_schema:
            schema = get_openapi(title=app.title, version=app.version, description=app.description,
                                 routes=app.routes)
            schema["components"] = schema.get("components", {})
            schema["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
            schema["security"] = [{"bearer": []}]
            schema["paths"]["/healthz"]["get"]["security"] = []
            app.openapi_schema = document(schema)
        return app.openapi_schema

    app.openapi = openapi

    # The routes are sync (FastAPI runs each in its threadpool, where the store's blocking
    # calls belong); the dependencies are async and do no I/O on the common path, so a
    # request costs one thread hop for its route and one to close its session, not one per
    # dependency. A session takes a connection only when the route first uses it.
    async def session():
        s = service.sessions()
        try:
            yield s
        finally:
            await run_in_threadpool(s.close)

    Db = Annotated[Session, Depends(session)]

    async def caller(authorization: Annotated[str | None, Header()] = None) -> Tenant | None:
        try:
            prefix = keys.split_key(authorization.removeprefix("Bearer ").strip()) if authorization else None
            if prefix is None or prefix[0] == service.admin_prefix or service.known_key(prefix[0]):
                return service.principal(authorization)  # no store access on these paths
            return await run_in_threadpool(service.principal, authorization)
        except PermissionError as error:
            raise ApiError(401, str(error), {"WWW-Authenticate": "Bearer"}) from None

    async def tenant(who: Annotated[Tenant | None, Depends(caller)]) -> Tenant:
        if who is None:
            raise ApiError(403, "the admin key has no jobs; use a tenant key")
        wait_s = service.limiter.retry_after_s(who.seq, who.requests_per_s, who.burst)
        if wait_s > 0:
            raise ApiError(429, f"rate limit of {who.requests_per_s:g} requests/s reached",
                           {"Retry-After": str(max(1, round(wait_s)))})
        return who

    async def admin(who: Annotated[Tenant | None, Depends(caller)]) -> None:
        if who is not None:
            raise ApiError(403, "admin routes need the admin key")

    Me = Annotated[Tenant, Depends(tenant)]

    def job_out(job: Job) -> JobOut:
        total = job.work_total or 1.0
        return JobOut(
            id=job.id, name=job.spec.get("name"), kind=job.kind, state=job.state, reason=job.reason,
            priority=job.priority, gpus=job.gpus, mfu=job.mfu, spec=job.spec, ship=job.ship, gateway=job.gateway,
            progress=min(job.work_done / total, 1.0), checkpoint_progress=min(job.checkpoint_work / total, 1.0),
            work_unit=UNITS[job.kind], work_done=job.work_done, work_total=job.work_total,
            submitted_t_s=job.submitted_t_s, started_t_s=job.started_t_s, finished_t_s=job.finished_t_s,
            deadline_t_s=job.deadline_t_s, created_at=_iso(job.created_at))

    def own_job(db: Session, me: Tenant, job_id: str) -> Job:
        job = db.scalars(select(Job).where(Job.id == job_id, Job.tenant_seq == me.seq)).first()
        if job is None:
            raise ApiError(404, f"no job {job_id}")
        return job

    def cursor_seq(cursor: str | None) -> int:
        if cursor is None:
            return 0
        seq = decode_cursor(cursor)
        if seq is None:
            raise ApiError(400, "cursor: not a cursor this service gave out")
        return seq

    @app.get("/healthz", tags=["service"])
    def health() -> dict:
        """Liveness: the service answers and its store is migrated."""
        return {"status": "ok", "revision": service.revision}

    @app.get("/v1/fleet", tags=["fleet"], response_model=FleetOut)
    def fleet(db: Db, _who: Annotated[Tenant | None, Depends(caller)]) -> FleetOut:
        """Every Compute Ship at the twin's now."""
        twin = service.twin
        t_s = service.t_s
        now = twin.at(t_s)
        busy = dict(db.execute(select(Job.ship, func.sum(Job.gpus)).where(Job.state.in_(("RUNNING", "CANCELLING")))
                               .group_by(Job.ship)).all())
        ships = []
        for k, name in enumerate(twin.ship_names):
            failed, total = int(now.gpus_failed[k]), int(twin.gpus[k])
            used = int(busy.get(name) or 0)
            ships.append(ShipOut(
                name=name, group=twin.ship_groups[k], lat_deg=float(now.lat_deg[k]), lon_deg=float(now.lon_deg[k]),
                height_km=float(now.height_km[k]), sunlit=float(now.sunlit[k]), solar_w=float(now.solar_w[k]),
                load_w=float(now.load_w[k]), soc=float(now.soc[k]), radiator_temperature_c=float(now.temperature_c[k]),
                pflops=float(now.pflops[k]), delivered_fraction=float(now.fraction[k]), link_up=bool(now.link_up[k]),
                gpus=total, gpus_busy=used, gpus_failed=failed, gpus_free=max(total - failed - used, 0)))
        return FleetOut(t_s=t_s, utc=now.utc.isoformat().replace("+00:00", "Z"), ships=ships)

    @app.post("/v1/jobs", tags=["jobs"], status_code=201, response_model=JobOut)
    def submit(request: Annotated[JobIn, Body()], db: Db, me: Me, response: Response,
               idempotency_key: Annotated[str | None, Header(max_length=MAX_IDEMPOTENCY_KEY)] = None) -> JobOut:
        """Submit a job. With an Idempotency-Key, a retry returns the job the first try made."""
        body = request.model_dump(mode="json")
        digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()

        def replay() -> JobOut | None:
            if idempotency_key is None:
                return None
            job = db.scalars(select(Job).where(Job.tenant_seq == me.seq,
                                               Job.idempotency_key == idempotency_key)).first()
            if job is None:
                return None
            if job.request_digest != digest:
                raise ApiError(422, "Idempotency-Key was used before with a different body")
            response.headers["Location"] = f"/v1/jobs/{job.id}"
            response.headers["Idempotent-Replayed"] = "true"
            return job_out(job)

        if (done := replay()) is not None:
            return done
        try:
            plan = plan_job(request, service.twin)
        except Impossible as error:
            raise ApiError(422, str(error)) from None
        if (reason := policy.why_never(body.get("sovereignty"), service.scheduler.countries)) is not None:
            raise ApiError(422, reason)
        if plan.gpus > me.max_concurrent_gpus:
            raise ApiError(422, f"NO_COMPLIANT_CAPACITY: the job needs {plan.gpus} GPUs; the tenant's quota "
                                f"allows {me.max_concurrent_gpus} at once")
        # One writer at a time, as with the clock: the quota count and the insert see the same
        # jobs and the same instant, and SQLite's writers queue here rather than sleeping in
        # its busy handler (which backs off up to 100 ms a try).
        with service.clock_lock:
            active = db.scalar(select(func.count()).select_from(Job).where(Job.tenant_seq == me.seq,
                                                                           Job.state.in_(ACTIVE)))
            if active >= me.max_jobs:
                raise ApiError(403, f"quota: {active} unfinished jobs; the tenant's limit is {me.max_jobs}")
            now, t_s = time.time(), service.t_s
            job = Job(id="job_" + uuid.uuid4().hex, tenant_seq=me.seq, idempotency_key=idempotency_key,
                      request_digest=digest, kind=request.kind, spec=body, priority=request.priority,
                      gpus=plan.gpus, mfu=plan.mfu,
                      state="PENDING", work_total=plan.work_total, work_done=0.0, checkpoint_work=0.0,
                      checkpoint_every_work=plan.checkpoint_every_work, failure_rate_per_s=plan.failure_rate_per_s,
                      restart_s=plan.restart_s, submitted_t_s=t_s, resume_t_s=t_s,
                      deadline_t_s=None if plan.deadline_s is None else t_s + plan.deadline_s, created_at=now)
            db.add(job)
            try:
                db.flush()
                db.add(JobEvent(job_seq=job.seq, t_s=t_s, at=now, kind="state", state="PENDING",
                                detail={"submitted": True, "gpus": plan.gpus}))
                db.commit()
            except IntegrityError:
                db.rollback()
                if (done := replay()) is not None:
                    return done
                raise
        response.headers["Location"] = f"/v1/jobs/{job.id}"
        return job_out(job)

    @app.get("/v1/jobs", tags=["jobs"], response_model=JobPage)
    def list_jobs(db: Db, me: Me, state: JobState | None = None,
                  kind: Annotated[str | None, Query(pattern="^(training|fine_tuning|inference)$")] = None,
                  limit: Annotated[int, Query(ge=1, le=100)] = 50,
                  cursor: Annotated[str | None, Query(max_length=64)] = None) -> JobPage:
        """This tenant's jobs, oldest first; pass next_cursor back for the next page."""
        query = select(Job).where(Job.tenant_seq == me.seq, Job.seq > cursor_seq(cursor))
        if state:
            query = query.where(Job.state == state)
        if kind:
            query = query.where(Job.kind == kind)
        rows = list(db.scalars(query.order_by(Job.seq).limit(limit + 1)))
        more = len(rows) > limit
        rows = rows[:limit]
        return JobPage(items=[job_out(j) for j in rows], next_cursor=encode_cursor(rows[-1].seq) if more else None)

    @app.get("/v1/jobs/{job_id}", tags=["jobs"], response_model=JobOut)
    def show(job_id: str, db: Db, me: Me) -> JobOut:
        return job_out(own_job(db, me, job_id))

    @app.post("/v1/jobs/{job_id}/cancel", tags=["jobs"], status_code=202, response_model=JobOut)
    def cancel(job_id: str, db: Db, me: Me) -> JobOut:
        """Ask a job to stop: queued jobs stop at once, running ones at the next tick.
        Asking again changes nothing; a job that already succeeded or failed is a 409."""
        with service.clock_lock:
            job = own_job(db, me, job_id)
            if job.state in ("SUCCEEDED", "FAILED"):
                raise ApiError(409, f"job {job_id} is already {job.state}")
            if job.state in ("PENDING", "RECOVERING", "RUNNING"):
                previous = job.state
                job.state = "CANCELLING" if previous == "RUNNING" else "CANCELLED"
                if job.state == "CANCELLED":
                    job.finished_t_s = service.t_s
                db.add(JobEvent(job_seq=job.seq, t_s=service.t_s, at=time.time(), kind="state", state=job.state,
                                detail={"previous": previous, "cancel": True}))
                db.commit()
        return job_out(job)

    @app.delete("/v1/jobs/{job_id}", tags=["jobs"], status_code=204, response_class=Response)
    def delete(job_id: str, db: Db, me: Me) -> Response:
        """Remove a finished job and its events; 409 while it is not finished."""
        with service.clock_lock:
            job = own_job(db, me, job_id)
            if job.state not in FINISHED:
                raise ApiError(409, f"job {job_id} is {job.state}; only finished jobs can be deleted")
            db.delete(job)
            db.commit()
        return Response(status_code=204)

    @app.get("/v1/jobs/{job_id}/events", tags=["jobs"], response_model=EventPage)
    def events(job_id: str, db: Db, me: Me, limit: Annotated[int, Query(ge=1, le=100)] = 100,
               cursor: Annotated[str | None, Query(max_length=64)] = None) -> EventPage:
        """The job's audit log, oldest first: state changes, placements, checkpoints, failures, restarts."""
        job = own_job(db, me, job_id)
        rows = list(db.scalars(select(JobEvent).where(JobEvent.job_seq == job.seq, JobEvent.seq > cursor_seq(cursor))
                               .order_by(JobEvent.seq).limit(limit + 1)))
        more = len(rows) > limit
        rows = rows[:limit]
        start = service.twin.start
        return EventPage(items=[EventOut(seq=e.seq, t_s=e.t_s, kind=e.kind, state=e.state, detail=e.detail,
                                         utc=(start + timedelta(seconds=e.t_s)).isoformat().replace("+00:00", "Z"))
                                for e in rows], next_cursor=encode_cursor(rows[-1].seq) if more else None)

    # -- admin
    Admin = Depends(admin)

    def tenant_out(t: Tenant) -> TenantOut:
        return TenantOut(id=t.id, name=t.name, max_concurrent_gpus=t.max_concurrent_gpus,
                         max_gpu_hours_per_day=t.max_gpu_hours_per_day, max_jobs=t.max_jobs,
                         requests_per_s=t.requests_per_s, burst=t.burst)

    def key_out(k: ApiKey, whole: str | None = None) -> KeyOut:
        return KeyOut(id=k.id, prefix=k.prefix, name=k.name, created_at=_iso(k.created_at),
                      expires_at=_iso(k.expires_at), revoked=k.revoked_at is not None, key=whole)

    def find_tenant(db: Session, tenant_id: str) -> Tenant:
        found = db.scalars(select(Tenant).where(Tenant.id == tenant_id)).first()
        if found is None:
            raise ApiError(404, f"no tenant {tenant_id}")
        return found

    @app.post("/v1/admin/tenants", tags=["admin"], status_code=201, response_model=TenantOut, dependencies=[Admin])
    def create_tenant(body: TenantIn, db: Db, response: Response) -> TenantOut:
        if db.scalars(select(Tenant).where(Tenant.name == body.name)).first():
            raise ApiError(409, f"a tenant named {body.name!r} exists")
        t = Tenant(id="ten_" + uuid.uuid4().hex[:16], usage_day=0, gpu_s_used=0.0, created_at=time.time(),
                   **body.model_dump())
        db.add(t)
        try:
            db.commit()
        except IntegrityError:
            db.rollback()
            raise ApiError(409, f"a tenant named {body.name!r} exists") from None
        response.headers["Location"] = f"/v1/admin/tenants/{t.id}"
        return tenant_out(t)

    @app.get("/v1/admin/tenants", tags=["admin"], response_model=list[TenantOut], dependencies=[Admin])
    def list_tenants(db: Db) -> list[TenantOut]:
        return [tenant_out(t) for t in db.scalars(select(Tenant).order_by(Tenant.seq))]

    @app.get("/v1/admin/tenants/{tenant_id}", tags=["admin"], response_model=TenantOut, dependencies=[Admin])
    def show_tenant(tenant_id: str, db: Db) -> TenantOut:
        return tenant_out(find_tenant(db, tenant_id))

    @app.post("/v1/admin/tenants/{tenant_id}/keys", tags=["admin"], status_code=201, response_model=KeyOut,
              dependencies=[Admin])
    def create_key(tenant_id: str, body: KeyIn, db: Db) -> KeyOut:
        """A new API key for the tenant; the whole key is in this response only."""
        owner = find_tenant(db, tenant_id)
        whole, prefix, secret = keys.new_key()
        now = time.time()
        k = ApiKey(id="key_" + uuid.uuid4().hex[:16], tenant_seq=owner.seq, prefix=prefix,
                   digest=keys.digest(service.pepper, secret), name=body.name, created_at=now,
                   expires_at=None if body.expires_in_s is None else now + body.expires_in_s)
        db.add(k)
        db.commit()
        return key_out(k, whole)

    @app.get("/v1/admin/tenants/{tenant_id}/keys", tags=["admin"], response_model=list[KeyOut], dependencies=[Admin])
    def list_keys(tenant_id: str, db: Db) -> list[KeyOut]:
        owner = find_tenant(db, tenant_id)
        return [key_out(k) for k in db.scalars(select(ApiKey).where(ApiKey.tenant_seq == owner.seq)
                                                .order_by(ApiKey.seq))]

    @app.post("/v1/admin/keys/{key_id}/revoke", tags=["admin"], response_model=KeyOut, dependencies=[Admin])
    def revoke_key(key_id: str, db: Db) -> KeyOut:
        k = db.scalars(select(ApiKey).where(ApiKey.id == key_id)).first()
        if k is None:
            raise ApiError(404, f"no key {key_id}")
        if k.revoked_at is None:
            k.revoked_at = time.time()
            db.commit()
        service.forget_key(k.prefix)
        return key_out(k)

    def clock_out() -> ClockOut:
        utc = service.twin.start + timedelta(seconds=service.t_s)
        return ClockOut(t_s=service.t_s, utc=utc.isoformat().replace("+00:00", "Z"), speed=service.config.speed)

    @app.get("/v1/admin/clock", tags=["admin"], response_model=ClockOut, dependencies=[Admin])
    def clock() -> ClockOut:
        return clock_out()

    @app.post("/v1/admin/clock/step", tags=["admin"], response_model=ClockOut, dependencies=[Admin])
    def step(body: ClockStep) -> ClockOut:
        """Advance the twin's clock (and every job) by `seconds` of simulated time."""
        service.step(body.seconds)
        return clock_out()

    if dashboard:
        mount_dashboard(app, Scene(service.config.scenario, service.config.data_dir))
    return app
