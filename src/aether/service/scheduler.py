"""The scheduler: advances the twin's clock and, tick by tick, moves every unfinished job.

Each tick (vectorised over jobs): cancellations complete; running jobs on a ship that is
throttled below MIN_DELIVERED or has lost its backhaul go RECOVERING; jobs fail as a
Poisson process at their failure rate (the workload stage's model) and roll back to their
last checkpoint; running jobs progress at their ship's delivered rate and checkpoint every
Young interval; queued and recovered jobs are placed by priority on compliant ships with
room (`place`), within their tenant's quotas, preempting lower priorities when nothing is
free. Draws come from one generator per tick seeded by (scenario seed, tick), so the same
submissions give the same history.
"""

import bisect
import math
import time
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from aether.network import great_circle_km
from aether.service.models import Job, JobEvent, Tenant
from aether.service.policy import FleetCountries, PolicyRouter, compliant, constraints, why_not_now
from aether.service.twin import Twin
from aether.service.work import KINDS, PRECISIONS, FleetRates, work_rates

ACTIVE = ("PENDING", "RUNNING", "RECOVERING", "CANCELLING")
FINISHED = ("SUCCEEDED", "FAILED", "CANCELLED")
STATES = ("PENDING", "RUNNING", "RECOVERING", "CANCELLING", "SUCCEEDED", "FAILED", "CANCELLED")
PENDING, RUNNING, RECOVERING, CANCELLING, SUCCEEDED, FAILED, CANCELLED = range(7)
MIN_DELIVERED = 0.05  # a ship delivering less than this share of its compute is treated as down
DEFAULT_TICK_S = 60.0
MAX_PREEMPT_TRIES = 64
DAY_S = 86400.0


def place(need: np.ndarray, policy: np.ndarray, tenant: np.ndarray, order: np.ndarray,
          allowed: np.ndarray, free: np.ndarray, tenant_room: np.ndarray) -> np.ndarray:
    """Ship index for each job in `order` (best fit: the compliant ship with the least room
    that still fits, the lowest index on a tie), -1 where none fits; free and tenant_room are
    updated in place.

    need [job] GPUs, policy [job] row of allowed [policy, ship], tenant [job] index into tenant_room.

    Greedy in priority order, so each placement depends on the ones before it and jobs cannot
    be placed in one array operation. Ships are kept sorted by free GPUs: the best fit is a
    bisection, then the first compliant ship from there, O(log ships) per job instead of a
    scan of every ship (a numpy call per job over 100 ships cost more than a Python scan).
    """
    ship = np.full(len(need), -1, np.int64)
    by_free = sorted((f, s) for s, f in enumerate(free.tolist()))  # (free GPUs, ship), ascending
    rows, room = allowed.tolist(), tenant_room.tolist()
    needs, policies, tenants = need.tolist(), policy.tolist(), tenant.tolist()
    jobs = order.tolist()
    smallest = min((needs[j] for j in jobs), default=0)
    for j in jobs:
        n, t = needs[j], tenants[j]
        if n > room[t]:
            continue
        row = rows[policies[j]]
        k = bisect.bisect_left(by_free, (n, -1))
        while k < len(by_free) and not row[by_free[k][1]]:
            k += 1
        if k == len(by_free):
            continue
        left, s = by_free.pop(k)
        bisect.insort(by_free, (left - n, s))
        room[t] -= n
        ship[j] = s
        if by_free[-1][0] < smallest:
            break
    for left, s in by_free:
        free[s] = left
    tenant_room[:] = room
    return ship


@dataclass
class Jobs:
    """The unfinished jobs as arrays over jobs, loaded once per advance and written back."""

    rows: list[Job]
    state: np.ndarray
    ship: np.ndarray
    gpus: np.ndarray
    mfu: np.ndarray
    priority: np.ndarray
    seq: np.ndarray
    tenant: np.ndarray
    policy: np.ndarray
    kind: np.ndarray
    precision: np.ndarray
    work_done: np.ndarray
    work_total: np.ndarray
    checkpoint_work: np.ndarray
    checkpoint_every: np.ndarray
    failure_rate: np.ndarray
    restart_s: np.ndarray
    resume_t_s: np.ndarray
    deadline_t_s: np.ndarray
    started: np.ndarray
    gateway: list[str | None]
    events: list[tuple[int, float, str, str, dict]] = field(default_factory=list)  # job, t_s, kind, state


class Scheduler:
    def __init__(self, twin: Twin, seed: int, tick_s: float = DEFAULT_TICK_S,
                 countries: FleetCountries | None = None):
        self.twin, self.seed, self.tick_s = twin, seed, tick_s
        self.rates = FleetRates.of(twin)
        self.countries = countries or FleetCountries.of(twin)
        self.router = PolicyRouter(twin)
        self.routed: list[tuple[dict, tuple[str, ...]] | None] = []  # per policy row: routed each tick, or None
        self.waiting: dict[int, str] = {}  # job seq -> why its policy cannot be met now (last said)
        self.ship_index = {name: k for k, name in enumerate(twin.ship_names)}

    def _load(self, session: Session, tenants: dict[int, int]) -> tuple[Jobs, np.ndarray, np.ndarray]:
        rows = list(session.scalars(select(Job).where(Job.state.in_(ACTIVE)).order_by(Job.seq)))
        policies: dict[str, int] = {}
        policy_rows = []
        pid = []
        self.routed = []
        self.waiting = {r.seq: self.waiting[r.seq] for r in rows if r.seq in self.waiting}
        for row in rows:
            sovereignty = row.spec.get("sovereignty")
            # An inference job's policy is routed from its regions; other work has no users to route from.
            sites = tuple(sorted(row.spec.get("requests_per_day", ()))) if constraints(sovereignty) else ()
            key = repr((sorted((sovereignty or {}).items()), sites))
            if key not in policies:
                policies[key] = len(policy_rows)
                policy_rows.append(sovereignty)
                self.routed.append((sovereignty, sites) if constraints(sovereignty) else None)
            pid.append(policies[key])
        masks = [compliant(p, self.countries) for p in policy_rows] or [(np.ones(self.twin.n_ships, bool),
                                                                         np.ones(len(self.twin.gateway_names), bool))]
        ship_ok = np.array([m[0] for m in masks]).reshape(len(masks), self.twin.n_ships)
        gateway_ok = np.array([m[1] for m in masks]).reshape(len(masks), len(self.twin.gateway_names))
        f = np.array
        jobs = Jobs(
            rows=rows, state=f([STATES.index(r.state) for r in rows], np.int64),
            ship=f([self.ship_index.get(r.ship, -1) if r.ship else -1 for r in rows], np.int64),
            gpus=f([r.gpus for r in rows], np.int64), mfu=f([r.mfu for r in rows], float),
            priority=f([r.priority for r in rows], np.int64),
            seq=f([r.seq for r in rows], np.int64), tenant=f([tenants[r.tenant_seq] for r in rows], np.int64),
            policy=f(pid, np.int64), kind=f([KINDS.index(r.kind) for r in rows], np.int64),
            precision=f([PRECISIONS.index(r.spec.get("precision", "bf16")) for r in rows], np.int64),
            work_done=f([r.work_done for r in rows], float), work_total=f([r.work_total for r in rows], float),
            checkpoint_work=f([r.checkpoint_work for r in rows], float),
            checkpoint_every=f([r.checkpoint_every_work for r in rows], float),
            failure_rate=f([r.failure_rate_per_s for r in rows], float),
            restart_s=f([r.restart_s for r in rows], float), resume_t_s=f([r.resume_t_s for r in rows], float),
            deadline_t_s=f([np.inf if r.deadline_t_s is None else r.deadline_t_s for r in rows], float),
            started=f([r.started_t_s is not None for r in rows], bool), gateway=[r.gateway for r in rows])
        return jobs, ship_ok, gateway_ok

    def advance(self, session: Session, t_from_s: float, t_to_s: float) -> None:
        """Move every unfinished job from t_from_s to t_to_s; the caller commits."""
        tenants = list(session.scalars(select(Tenant).order_by(Tenant.seq)))
        tenant_index = {t.seq: k for k, t in enumerate(tenants)}
        jobs, ship_ok, gateway_ok = self._load(session, tenant_index)
        t = t_from_s
        while t < t_to_s - 1e-9:
            dt = min(self.tick_s, t_to_s - t)
            self._tick(jobs, tenants, ship_ok, gateway_ok, t, dt)
            t += dt
        self._write_back(session, jobs, tenants)

    def _event(self, jobs: Jobs, j: int, t: float, kind: str, **detail) -> None:
        jobs.events.append((j, t, kind, STATES[jobs.state[j]], detail))

    def _to(self, jobs: Jobs, idx: np.ndarray, state: int, t: float, kind: str, **detail) -> None:
        jobs.state[idx] = state
        for j in np.flatnonzero(idx) if idx.dtype == bool else idx:
            self._event(jobs, int(j), t, kind, **detail)

    def _recover(self, jobs: Jobs, idx: np.ndarray, t: float, reason: str, **detail) -> None:
        """Off the ship, back to the last checkpoint, placeable again after a restart."""
        for j in np.flatnonzero(idx):
            self._event(jobs, int(j), t, "failure", reason=reason, ship=self.twin.ship_names[jobs.ship[j]],
                        lost_work=float(jobs.work_done[j] - jobs.checkpoint_work[j]), **detail)
        jobs.work_done[idx] = jobs.checkpoint_work[idx]
        jobs.state[idx] = RECOVERING
        jobs.ship[idx] = -1
        jobs.resume_t_s[idx] = t + jobs.restart_s[idx]
        for j in np.flatnonzero(idx):
            jobs.gateway[j] = None
            self._event(jobs, int(j), t, "state", resume_t_s=float(jobs.resume_t_s[j]))

    def _tick(self, jobs: Jobs, tenants: list[Tenant], ship_ok: np.ndarray, gateway_ok: np.ndarray,
              t: float, dt: float) -> None:
        twin = self.twin
        now = twin.at(t)
        usable = (now.fraction >= MIN_DELIVERED) & now.link_up
        capacity = twin.gpus - now.gpus_failed
        rng = np.random.default_rng([self.seed, int(round(t / self.tick_s))])

        allowed, found = self._route(ship_ok & usable, usable, t)

        self._to(jobs, jobs.state == CANCELLING, CANCELLED, t, "state")
        jobs.ship[jobs.state == CANCELLED] = -1

        running = jobs.state == RUNNING
        down = running & ~usable[np.maximum(jobs.ship, 0)]
        if down.any():
            throttled = now.fraction[jobs.ship] < MIN_DELIVERED
            self._recover(jobs, down & throttled, t, "SHIP_THROTTLED")
            self._recover(jobs, down & ~throttled, t, "LINK_LOST")
        running = jobs.state == RUNNING
        unmet = running & ~allowed[jobs.policy, np.maximum(jobs.ship, 0)]
        for p in np.unique(jobs.policy[unmet]):
            self._recover(jobs, unmet & (jobs.policy == p), t, "POLICY_UNMET",
                          why=self._why_not_now(int(p), found, usable))
        running = jobs.state == RUNNING
        failed = running & (rng.random(len(jobs.rows)) < -np.expm1(-jobs.failure_rate * dt))
        self._recover(jobs, failed, t, "GPU_FAILURE")

        running = jobs.state == RUNNING
        r = np.flatnonzero(running)
        jobs.work_done[r] += dt * work_rates(jobs.kind[r], jobs.precision[r], jobs.gpus[r], jobs.mfu[r], jobs.ship[r],
                                             now.fraction, self.rates)
        stateful = r[jobs.checkpoint_every[r] > 0]
        due = stateful[jobs.work_done[stateful] >= jobs.checkpoint_work[stateful] + jobs.checkpoint_every[stateful]]
        for j in due:
            every = jobs.checkpoint_every[j]
            jobs.checkpoint_work[j] = math.floor(jobs.work_done[j] / every) * every
            self._event(jobs, int(j), t + dt, "checkpoint", work=float(jobs.checkpoint_work[j]),
                        progress=float(min(jobs.checkpoint_work[j] / jobs.work_total[j], 1.0)),
                        gateway=jobs.gateway[j])
        stateless = r[jobs.checkpoint_every[r] == 0]
        jobs.checkpoint_work[stateless] = jobs.work_done[stateless]
        day = int(t // DAY_S)
        for k, tenant in enumerate(tenants):
            if tenant.usage_day != day:
                tenant.usage_day, tenant.gpu_s_used = day, 0.0
            tenant.gpu_s_used += float(jobs.gpus[r][jobs.tenant[r] == k].sum() * dt)
        done = r[jobs.work_done[r] >= jobs.work_total[r]]
        jobs.work_done[done] = jobs.checkpoint_work[done] = jobs.work_total[done]
        self._to(jobs, done, SUCCEEDED, t + dt, "state")
        jobs.ship[done] = -1

        late = np.isin(jobs.state, (PENDING, RUNNING, RECOVERING)) & (jobs.deadline_t_s <= t + dt)
        jobs.state[late] = FAILED
        jobs.ship[late] = -1
        for j in np.flatnonzero(late):
            reason = "DEADLINE_MISSED" if jobs.started[j] else "NO_COMPLIANT_CAPACITY"
            jobs.rows[j].reason = reason
            self._event(jobs, int(j), t + dt, "state", reason=reason)

        self._place(jobs, tenants, allowed, gateway_ok, capacity, now, t + dt, found, usable)

    def _route(self, allowed: np.ndarray, usable: np.ndarray, t: float) -> tuple[np.ndarray, dict]:
        """allowed [policy, ship] narrowed, for each routed policy, to the ships its flows reach
        now on the links it keeps; and each routed policy's PolicyAt."""
        found = {}
        for p, routed in enumerate(self.routed):
            if routed is not None and allowed[p].any():
                found[p] = self.router.at(*routed, t)
                allowed[p] &= found[p].reach
        return allowed, found

    def _why_not_now(self, p: int, found: dict, usable: np.ndarray) -> str:
        policy, sites = self.routed[p]
        return why_not_now(policy, found[p], usable, sites)

    def _wait(self, jobs: Jobs, waiting: np.ndarray, allowed: np.ndarray, found: dict, usable: np.ndarray,
              t: float) -> None:
        """Jobs left waiting only because their policy cannot be met now say why, once per reason."""
        for j in waiting:
            p = int(jobs.policy[j])
            if p not in found or allowed[p].any():
                continue
            why = self._why_not_now(p, found, usable)
            if self.waiting.get(jobs.rows[j].seq) != why:
                self.waiting[jobs.rows[j].seq] = why
                jobs.rows[j].reason = "POLICY_UNMET"
                self._event(jobs, int(j), t, "waiting", reason=why)

    def _place(self, jobs: Jobs, tenants: list[Tenant], allowed: np.ndarray, gateway_ok: np.ndarray,
               capacity: np.ndarray, now, t: float, found: dict, usable: np.ndarray) -> None:
        running = jobs.state == RUNNING
        busy = np.bincount(jobs.ship[running], jobs.gpus[running], minlength=self.twin.n_ships)
        free = capacity - busy
        used = np.bincount(jobs.tenant[running], jobs.gpus[running], minlength=len(tenants))
        room = np.array([t_.max_concurrent_gpus for t_ in tenants], np.int64) - used
        spent = np.array([t_.gpu_s_used >= t_.max_gpu_hours_per_day * 3600.0 for t_ in tenants], bool)
        room[spent] = 0
        waiting = np.flatnonzero((jobs.state == PENDING) | ((jobs.state == RECOVERING) & (jobs.resume_t_s <= t)))
        if not len(waiting):
            return
        order = waiting[np.lexsort((jobs.seq[waiting], -jobs.priority[waiting]))]
        ship = place(jobs.gpus, jobs.policy, jobs.tenant, order, allowed, free, room)
        for j in order[ship[order] >= 0]:
            self._start(jobs, j, int(ship[j]), gateway_ok, now, t, found)
        self._preempt(jobs, order[ship[order] < 0], allowed, gateway_ok, free, room, now, t, found)
        self._wait(jobs, order[np.isin(jobs.state[order], (PENDING, RECOVERING))], allowed, found, usable, t)

    def _preempt(self, jobs: Jobs, unplaced: np.ndarray, allowed: np.ndarray, gateway_ok: np.ndarray,
                 free: np.ndarray, room: np.ndarray, now, t: float, found: dict) -> None:
        """A waiting job displaces running jobs of lower priority on one ship when that makes room."""
        for j in unplaced[:MAX_PREEMPT_TRIES]:
            lower = (jobs.state == RUNNING) & (jobs.priority < jobs.priority[j])
            if not lower.any():
                break
            if jobs.gpus[j] > room[jobs.tenant[j]]:
                continue
            reclaim = np.bincount(jobs.ship[lower], jobs.gpus[lower], minlength=len(free))
            fits = allowed[jobs.policy[j]] & (free + reclaim >= jobs.gpus[j])
            if not fits.any():
                continue
            s = int(np.argmin(np.where(fits, free + reclaim, np.iinfo(np.int64).max)))
            victims = np.flatnonzero(lower & (jobs.ship == s))
            for v in victims[np.lexsort((-jobs.seq[victims], jobs.priority[victims]))]:
                if free[s] >= jobs.gpus[j]:
                    break
                self._event(jobs, int(v), t, "preempted", by=jobs.rows[j].id, ship=self.twin.ship_names[s])
                jobs.work_done[v] = jobs.checkpoint_work[v]
                jobs.state[v], jobs.ship[v], jobs.gateway[v] = PENDING, -1, None
                self._event(jobs, int(v), t, "state")
                free[s] += jobs.gpus[v]
                room[jobs.tenant[v]] += jobs.gpus[v]
            free[s] -= jobs.gpus[j]
            room[jobs.tenant[j]] -= jobs.gpus[j]
            self._start(jobs, j, s, gateway_ok, now, t, found)

    def _start(self, jobs: Jobs, j: int, s: int, gateway_ok: np.ndarray, now, t: float, found: dict) -> None:
        """Run job j on ship s; under a routed policy, landing where its flows were routed."""
        twin = self.twin
        gateway = None
        routed = found.get(int(jobs.policy[j]))
        if routed is not None and routed.gateway[s] is not None:
            gateway = routed.gateway[s]
        elif twin.gateway_names:
            distance = great_circle_km(now.lat_deg[s], now.lon_deg[s], twin.gateway_lat_deg, twin.gateway_lon_deg)
            distance = np.where(gateway_ok[jobs.policy[j]], distance, np.inf)
            gateway = twin.gateway_names[int(np.argmin(distance))]
        was = STATES[jobs.state[j]]
        jobs.state[j], jobs.ship[j], jobs.gateway[j] = RUNNING, s, gateway
        detail = {"ship": twin.ship_names[s], "gateway": gateway, "countries_crossed": [],
                  "from_checkpoint": float(jobs.checkpoint_work[j] / jobs.work_total[j])}
        spec = jobs.rows[j].spec
        if spec["kind"] == "inference":
            detail["rtt_ms"] = {site: (None if not np.isfinite(v) else round(float(v), 2))
                                for site, v in zip(twin.site_names, now.rtt_ms[:, s], strict=True)
                                if site in spec["requests_per_day"]}
        if routed is not None:
            sites = self.routed[jobs.policy[j]][1]
            detail.update(countries_crossed=routed.countries_crossed(twin.ship_names[s]),
                          ship_over=routed.sat_country[s])
            if sites:
                detail["rtt_ms"] = {site: round(float(v), 2) for site, v in zip(sites, routed.rtt_ms[:, s],
                                                                                 strict=True)}
        jobs.rows[j].reason = None
        self.waiting.pop(jobs.rows[j].seq, None)
        if not jobs.started[j]:
            jobs.started[j] = True
            jobs.rows[j].started_t_s = t
        self._event(jobs, j, t, "placement", **detail)
        self._event(jobs, j, t, "state", previous=was)

    def _write_back(self, session: Session, jobs: Jobs, tenants: list[Tenant]) -> None:
        for j, row in enumerate(jobs.rows):
            state = STATES[jobs.state[j]]
            if state in FINISHED and row.finished_t_s is None:
                row.finished_t_s = max(e[1] for e in jobs.events if e[0] == j)
            row.state, row.gateway = state, jobs.gateway[j]
            row.ship = self.twin.ship_names[jobs.ship[j]] if jobs.ship[j] >= 0 else None
            row.work_done, row.checkpoint_work = float(jobs.work_done[j]), float(jobs.checkpoint_work[j])
            row.resume_t_s = float(jobs.resume_t_s[j])
        at = time.time()
        session.add_all([JobEvent(job_seq=jobs.rows[j].seq, t_s=t, at=at, kind=kind, state=state, detail=detail)
                         for j, t, kind, state, detail in jobs.events])
