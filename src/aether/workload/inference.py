"""Inference on the fleet: cohorts of identical requests, routed, queued and served.

Requests that arrive at one site in one time step with the same prompt and output
lengths form a cohort; the model gives every request of a cohort the same latency, so a
cohort is (latency, count) and percentiles over cohorts are exact per request.

Per ship and step (the ship runs R replicas, scaled by its delivered fraction):
- work: each request costs its replica-seconds at the largest batch (serving.py's
  MixedReplica); arriving work queues in a fluid queue (Lindley's recursion); a request
  that would wait longer than max_queue_s is dropped (admission control);
- the replicas' steady state at the step's admitted request rate (serving.py: continuous
  batching with chunked prefill): the decode batch, the mean inter-token latency and the
  wait for the prefill slot;
- TTFT = round trip + backlog wait + half an iteration + prefill wait + the class's
  prefill; TPOT = the mean inter-token latency at that load.
Requests to sites with no reachable, powered and allowed ship are dropped.
"""

from dataclasses import dataclass, field

import numpy as np

from aether.constants import SECONDS_PER_HOUR
from aether.settings.workload import Inference
from aether.workload.demand import expected_requests
from aether.workload.inputs import WorkloadInputs
from aether.workload.percentiles import weighted_percentiles
from aether.workload.routing import allowed_ships, lowest_rtt, split_by_weight
from aether.workload.serving import MixedReplica, queue_wait_s

PERCENTILES = (50.0, 95.0, 99.0)
# Near a replica's capacity the backlog's fluid queue carries the wait; the prefill queue's
# M/D/1 wait is taken at no more than this load so the same wait is not counted twice.
PREFILL_LOAD_CAP = 0.95


@dataclass
class InferenceResult:
    replica: MixedReplica
    replicas_per_ship: np.ndarray
    class_names: list[str]
    region_names: list[str]
    slo_ttft_ms: float
    slo_tpot_ms: float
    # Cohorts of served requests.
    ttft_ms: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    tpot_ms: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    count: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    region: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int16))
    cohorts_total: int = 0
    requests: int = 0
    served: int = 0
    dropped_unreachable: int = 0
    dropped_overload: int = 0
    slo_met: int = 0
    tokens_requested: int = 0
    tokens_served: int = 0
    tokens_dropped: int = 0
    served_by_ship: np.ndarray | None = None
    busy: np.ndarray | None = None  # [time, ship] share of inference capacity in use

    def metrics(self) -> dict:
        def pct(values, counts):
            p = weighted_percentiles(values, counts, PERCENTILES)
            return {f"p{int(q)}": (None if np.isnan(v) else round(float(v), 3))
                    for q, v in zip(PERCENTILES, p, strict=True)}

        by_region = {}
        for r, name in enumerate(self.region_names):
            mask = self.region == r
            by_region[name] = pct(self.ttft_ms[mask], self.count[mask])
        return {
            "requests": self.requests,
            "requests_served": self.served,
            "requests_dropped": self.dropped_unreachable + self.dropped_overload,
            "requests_dropped_unreachable": self.dropped_unreachable,
            "requests_dropped_overload": self.dropped_overload,
            "tokens_requested": self.tokens_requested,
            "tokens_served": self.tokens_served,
            "tokens_dropped": self.tokens_dropped,
            "ttft_ms": pct(self.ttft_ms, self.count),
            "ttft_ms_by_region": by_region,
            "tpot_ms": pct(self.tpot_ms, self.count),
            "slo": {"ttft_ms": self.slo_ttft_ms, "tpot_ms": self.slo_tpot_ms},
            "slo_attainment": round(self.slo_met / self.requests, 6) if self.requests else None,
            "replicas_per_ship": [int(x) for x in self.replicas_per_ship],
            "batch_limit": int(self.replica.batch_cap),
            "kv_bytes_per_token": float(self.replica.replica.kv_bytes_per_token),
            "kv_capacity_tokens": int(self.replica.replica.kv_capacity_tokens),
            "capacity_tokens_per_gpu_hour": round(self.replica.capacity_tokens_per_gpu_hour, 3),
            "cohorts": self.cohorts_total,
            "capacity_utilisation_mean": round(float(self.busy.mean()), 6)
            if self.busy is not None and self.busy.size else None,
        }


def admit_and_queue(backlog, work, capacity, limit):
    """One step of Lindley's recursion with admission control (every argument broadcasts).

    backlog: work waiting at the start of the step; work: work arriving in it; capacity:
    work the step can serve; limit: the most backlog allowed (replica-seconds). Work that
    would push the backlog past limit + capacity is refused. Returns (admitted, backlog at
    the end of the step).
    """
    admitted = np.minimum(work, np.maximum(limit + capacity - backlog, 0.0))
    return admitted, np.maximum(backlog + admitted - capacity, 0.0)


@dataclass
class _Routed:
    """Cohorts of one chunk sent to ships, and the work each ship was given per step."""

    t_i: np.ndarray        # [cohort] step within the chunk
    s_i: np.ndarray        # [cohort] site
    k_i: np.ndarray        # [cohort] request class
    ship_i: np.ndarray     # [cohort] ship
    n_i: np.ndarray        # [cohort] requests
    work: np.ndarray       # [t, ship] replica-seconds of prefill and decode
    arrived: np.ndarray    # [t, ship] requests
    q_start: np.ndarray    # [t, ship] backlog at the start of each step
    admitted: np.ndarray   # [t, ship] work admitted


def simulate_inference(settings: Inference, inputs: WorkloadInputs, replica: MixedReplica,
                       replicas_per_ship: np.ndarray, delivered: np.ndarray,
                       rng: np.random.Generator, chunk_steps: int, on_progress=None
                       ) -> InferenceResult:
    """Demand, routing, queueing and latency over the run, chunk by chunk.

    delivered: [time, ship] with injected outages applied (0 = down).
    """
    T, N = inputs.n_steps, inputs.n_ships
    classes = settings.demand.classes
    share = np.array([c.share for c in classes])
    tokens = np.array([c.prompt_tokens + c.output_tokens for c in classes], np.int64)
    region_names, region_of_site = np.unique(np.asarray(inputs.site_region, dtype=object)
                                             .astype(str), return_inverse=True)
    allowed = allowed_ships(settings.routing, inputs.allowed_ships, inputs.n_sites, N)
    R = np.asarray(replicas_per_ship, float)
    sod0 = seconds_of_day(inputs.start_utc)
    res = InferenceResult(replica, np.asarray(replicas_per_ship), [c.name for c in classes],
                          [str(x) for x in region_names], settings.slo.ttft_ms,
                          settings.slo.tpot_ms)
    res.busy = np.zeros((T, N), np.float32)
    res.served_by_ship = np.zeros(N, np.int64)
    backlog = np.zeros(N)
    cohorts: dict[str, list[np.ndarray]] = {"ttft": [], "tpot": [], "count": [], "region": []}

    for first in range(0, T, chunk_steps):
        sl = slice(first, min(first + chunk_steps, T))
        t_s = sod0 + np.arange(sl.start, sl.stop) * inputs.step_s
        lam = expected_requests(settings.demand, t_s, inputs.site_lon_deg,
                                inputs.site_population, inputs.step_s)
        counts = rng.poisson(lam[:, :, None] * share[None, None, :])  # [t, site, class]
        rtt = inputs.rtt_ms[sl]
        rate = R[None, :] * delivered[sl]  # effective replicas [t, ship]
        avail = np.isfinite(rtt) & (rate[:, None, :] > 0) & allowed[None, :, :]
        route = _route_least_loaded if settings.routing == "least_loaded" else _route_lowest_rtt
        routed, backlog = route(counts, rtt, avail, rate, inputs.step_s, backlog,
                                settings.serving.max_queue_s, replica)
        _serve_chunk(res, routed, counts, tokens, rtt, rate, R, inputs.step_s, replica,
                     region_of_site, cohorts, sl)
        if on_progress is not None:
            on_progress(sl.stop / T)

    if cohorts["ttft"]:
        res.ttft_ms = np.concatenate(cohorts["ttft"])
        res.tpot_ms = np.concatenate(cohorts["tpot"])
        res.count = np.concatenate(cohorts["count"])
        res.region = np.concatenate(cohorts["region"])
    return res


def seconds_of_day(utc) -> float:
    """Seconds since UTC midnight of a datetime."""
    return (utc.hour * SECONDS_PER_HOUR + utc.minute * 60 + utc.second + utc.microsecond * 1e-6)


def _serve_chunk(res: InferenceResult, routed: _Routed, counts, tokens, rtt, rate, R, step,
                 replica: MixedReplica, region_of_site, cohorts, sl: slice) -> None:
    """Admission, waits and latencies of one chunk's cohorts, tallied into res."""
    K = len(tokens)
    t_i, s_i, k_i, ship_i, n_i = routed.t_i, routed.s_i, routed.k_i, routed.ship_i, routed.n_i
    work, admitted, q_start = routed.work, routed.admitted, routed.q_start
    cap = rate * step
    with np.errstate(divide="ignore", invalid="ignore"):
        admit = np.where(work > 0, admitted / work, 1.0)
        inv_rate = np.where(rate > 0, 1.0 / rate, np.inf)
        wait = (q_start + 0.5 * np.maximum(admitted - cap, 0.0)) * inv_rate
        per_replica_per_s = np.where(rate > 0, routed.arrived * admit * inv_rate / step, 0.0)
    point = replica.at_rate(per_replica_per_s)
    pf_wait = _prefill_wait_s(replica, point)
    res.busy[sl] = np.where(R > 0, np.minimum(cap, q_start + admitted) / (R * step + 1e-300), 0.0)

    res.requests += int(counts.sum())
    res.tokens_requested += int((counts.sum(axis=(0, 1)) * tokens).sum())
    res.dropped_unreachable += int(counts.sum() - n_i.sum())
    served = np.minimum(np.floor(n_i * admit[t_i, ship_i] + 1e-9).astype(np.int64), n_i)
    dropped = n_i - served
    res.dropped_overload += int(dropped.sum())
    res.served += int(served.sum())
    res.served_by_ship += np.bincount(ship_i, served, len(R)).astype(np.int64)
    tok_i = tokens[k_i]
    res.tokens_served += int((served * tok_i).sum())
    unreached_by_class = (counts.sum(axis=(0, 1)) - np.bincount(k_i, n_i, K)).astype(np.int64)
    res.tokens_dropped += int((dropped * tok_i).sum()) + int((unreached_by_class * tokens).sum())

    at = (t_i, ship_i)
    ttft = (rtt[t_i, s_i, ship_i]
            + 1000.0 * (wait[at] + 0.5 * point.itl_mean_s[at] + pf_wait[at]
                        + replica.prefill_s(k_i, point.batch[at])))
    tpot = 1000.0 * point.itl_mean_s[at]
    ok = served > 0
    res.slo_met += int(served[ok & (ttft <= res.slo_ttft_ms) & (tpot <= res.slo_tpot_ms)].sum())
    res.cohorts_total += int(ok.sum())
    cohorts["ttft"].append(ttft[ok].astype(np.float32))
    cohorts["tpot"].append(tpot[ok].astype(np.float32))
    cohorts["count"].append(served[ok].astype(np.int32))
    cohorts["region"].append(region_of_site[s_i[ok]].astype(np.int16))


def _prefill_wait_s(replica: MixedReplica, point) -> np.ndarray:
    """Mean wait for the prefill slot (M/G/1: the residual E[S^2] / 2 E[S] of the classes'
    prefills at the step's batch), at a load of at most PREFILL_LOAD_CAP."""
    s = np.stack([replica.prefill_s(k, point.batch) for k in range(len(replica.share))])
    share = replica.share.reshape((-1,) + (1,) * point.batch.ndim)
    second_over_first = np.sum(share * s**2, axis=0) / np.sum(share * s, axis=0)
    return queue_wait_s(np.minimum(point.prefill_load, PREFILL_LOAD_CAP), second_over_first)


def _work_per_step(key, n_i, k_i, replica: MixedReplica, size: int):
    """Replica-seconds of work and requests, summed per key."""
    return (np.bincount(key, n_i * replica.service_s[k_i], size),
            np.bincount(key, n_i, size).astype(float))


def _route_lowest_rtt(counts, rtt, avail, rate, step, backlog, max_queue_s, replica):
    """Every cohort to its nearest available ship; each ship's queue over the chunk."""
    tc, N = rate.shape
    ship, reach = lowest_rtt(rtt, avail)
    live = counts * reach[:, :, None]
    t_i, s_i, k_i = np.nonzero(live)
    n_i = live[t_i, s_i, k_i]
    ship_i = ship[t_i, s_i]
    work, arrived = (w.reshape(tc, N) for w in _work_per_step(t_i * N + ship_i, n_i, k_i, replica, tc * N))
    q_start = np.zeros((tc, N))
    admitted = np.zeros((tc, N))
    q = backlog.copy()
    for t in range(tc):
        q_start[t] = q
        admitted[t], q = admit_and_queue(q, work[t], rate[t] * step, max_queue_s * rate[t])
    return _Routed(t_i, s_i, k_i, ship_i, n_i, work, arrived, q_start, admitted), q


def _route_least_loaded(counts, rtt, avail, rate, step, backlog, max_queue_s, replica):
    """Route step by step: each site's requests split over its available ships in
    proportion to their spare capacity at the start of the step (backlog counted)."""
    tc, N = rate.shape
    q = backlog.copy()
    q_start, admitted, work, arrived = (np.zeros((tc, N)) for _ in range(4))
    parts = []
    for t in range(tc):
        cap = rate[t] * step
        spare = np.maximum(cap - q, 1e-9 * (cap > 0))
        w = avail[t] * spare[None, :]
        tot = w.sum(axis=1, keepdims=True)
        w = np.divide(w, tot, out=np.zeros_like(w), where=tot > 0)
        split = split_by_weight(counts[t], w)  # [site, class, ship]
        s_i, k_i, ship_i = np.nonzero(split)
        n_i = split[s_i, k_i, ship_i]
        work[t], arrived[t] = _work_per_step(ship_i, n_i, k_i, replica, N)
        q_start[t] = q
        admitted[t], q = admit_and_queue(q, work[t], cap, max_queue_s * rate[t])
        parts.append((np.full(len(n_i), t), s_i, k_i, ship_i, n_i))
    t_i, s_i, k_i, ship_i, n_i = (np.concatenate([p[j] for p in parts]) for j in range(5))
    return _Routed(t_i, s_i, k_i, ship_i, n_i, work, arrived, q_start, admitted), q
