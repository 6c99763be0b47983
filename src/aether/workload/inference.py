"""Inference on the fleet: cohorts of identical requests, routed, queued and served.

Requests that arrive at one site in one time step with the same prompt and output
lengths form a cohort; the model gives every request of a cohort the same latency, so a
cohort is (latency, count) and percentiles over cohorts are exact per request.

Per ship and step (the ship runs R replicas, scaled by its delivered fraction):
- work: each request costs its prefill plus its share of decode steps at the largest
  batch (replica-seconds); arriving work queues in a fluid queue (Lindley's recursion);
  a request that would wait longer than max_queue_s is dropped (admission control);
- wait: the backlog ahead of a cohort divided by the service rate, plus an M/G/1 wait
  for a prefill slot;
- TTFT = round trip + wait + prefill; TPOT = decode step time at the steady batch that
  the step's decode demand needs (roofline), capped by the KV-cache batch limit.
Requests to sites with no reachable, powered and allowed ship are dropped.
"""

from dataclasses import dataclass, field

import numpy as np

from aether.settings.workload import Inference
from aether.workload.demand import expected_requests
from aether.workload.inputs import WorkloadInputs
from aether.workload.percentiles import weighted_percentiles
from aether.workload.routing import allowed_ships, lowest_rtt, split_by_weight
from aether.workload.serving import ReplicaModel

PERCENTILES = (50.0, 95.0, 99.0)


@dataclass
class InferenceResult:
    replica: ReplicaModel
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
            "kv_bytes_per_token": self.replica.kv_per_token,
            "cohorts": self.cohorts_total,
            "capacity_utilisation_mean": round(float(self.busy.mean()), 6)
            if self.busy is not None and self.busy.size else None,
        }


def _queue_one_ship(work, capacity, limit, backlog):
    """Lindley's recursion with admission control for one ship over a chunk.

    work, capacity, limit: per step (replica-seconds); backlog: carried in. Returns the
    backlog at the start of each step, the admitted work and the backlog carried out.
    """
    q = float(backlog)
    n = len(work)
    q_start = [0.0] * n
    admitted = [0.0] * n
    for i, (a, c, m) in enumerate(zip(work, capacity, limit, strict=True)):
        q_start[i] = q
        room = m + c - q
        adm = a if a <= room else (room if room > 0 else 0.0)
        admitted[i] = adm
        q = q + adm - c
        if q < 0:
            q = 0.0
    return q_start, admitted, q


def simulate_inference(settings: Inference, inputs: WorkloadInputs, replica: ReplicaModel,
                       replicas_per_ship: np.ndarray, delivered: np.ndarray,
                       rng: np.random.Generator, chunk_steps: int, on_progress=None
                       ) -> InferenceResult:
    """delivered: [time, ship] with injected outages applied (0 = down)."""
    T, N = inputs.n_steps, inputs.n_ships
    step = inputs.step_s
    classes = settings.demand.classes
    K = len(classes)
    share = np.array([c.share for c in classes])
    tokens = np.array([c.prompt_tokens + c.output_tokens for c in classes], np.int64)
    region_names, region_of_site = np.unique(np.asarray(inputs.site_region, dtype=object)
                                             .astype(str), return_inverse=True)
    allowed = allowed_ships(settings.routing, settings.sovereignty, inputs.site_region,
                            inputs.ship_region, N)
    R = np.asarray(replicas_per_ship, float)
    start = inputs.start_utc
    sod0 = start.hour * 3600 + start.minute * 60 + start.second + start.microsecond * 1e-6
    res = InferenceResult(replica, np.asarray(replicas_per_ship), [c.name for c in classes],
                          [str(x) for x in region_names], settings.slo.ttft_ms,
                          settings.slo.tpot_ms)
    res.busy = np.zeros((T, N), np.float32)
    served_by_ship = np.zeros(N, np.int64)
    backlog = np.zeros(N)
    max_q = settings.serving.max_queue_s
    pf_k, out_k, svc_k = replica.prefill_s, replica.output_tokens, replica.service_s
    out: dict[str, list[np.ndarray]] = {"ttft": [], "tpot": [], "count": [], "region": []}
    slo_ttft, slo_tpot = settings.slo.ttft_ms, settings.slo.tpot_ms

    for first in range(0, T, chunk_steps):
        sl = slice(first, min(first + chunk_steps, T))
        tc = sl.stop - sl.start
        t_s = sod0 + np.arange(sl.start, sl.stop) * step
        lam = expected_requests(settings.demand, t_s, inputs.site_lon_deg,
                                inputs.site_population, step)
        counts = rng.poisson(lam[:, :, None] * share[None, None, :])  # [t, site, class]
        res.requests += int(counts.sum())
        res.tokens_requested += int((counts.sum(axis=(0, 1)) * tokens).sum())
        rtt = inputs.rtt_ms[sl]
        d = delivered[sl]
        rate = R[None, :] * d  # effective replicas [t, ship]
        avail = np.isfinite(rtt) & (rate[:, None, :] > 0) & allowed[None, :, :]

        if settings.routing == "least_loaded":
            (t_i, s_i, k_i, ship_i, n_i, work, pwork, dtok, q_start, admitted,
             backlog) = _route_least_loaded(counts, avail, rate, step, backlog, max_q,
                                            svc_k, pf_k, out_k)
        else:
            ship, reach = lowest_rtt(rtt, avail)
            live = counts * reach[:, :, None]
            t_i, s_i, k_i = np.nonzero(live)
            n_i = live[t_i, s_i, k_i]
            ship_i = ship[t_i, s_i]
            key = t_i * N + ship_i
            work = np.bincount(key, n_i * svc_k[k_i], tc * N).reshape(tc, N)
            pwork = np.bincount(key, n_i * pf_k[k_i], tc * N).reshape(tc, N)
            dtok = np.bincount(key, n_i * out_k[k_i], tc * N).reshape(tc, N)
            q_start = np.zeros((tc, N))
            admitted = np.zeros((tc, N))
            cap = rate * step
            lim = max_q * rate
            for j in range(N):
                qs, adm, backlog[j] = _queue_one_ship(work[:, j].tolist(), cap[:, j].tolist(),
                                                      lim[:, j].tolist(), backlog[j])
                q_start[:, j], admitted[:, j] = qs, adm

        unreachable = counts.sum() - n_i.sum()
        res.dropped_unreachable += int(unreachable)
        cap = rate * step
        with np.errstate(divide="ignore", invalid="ignore"):
            admit = np.where(work > 0, admitted / work, 1.0)
            inv_rate = np.where(rate > 0, 1.0 / rate, np.inf)
            wait = (q_start + 0.5 * np.maximum(admitted - cap, 0.0)) * inv_rate
            rho_p = np.minimum(np.where(cap > 0, pwork * admit / cap, 0.0), 0.95)
            pf_wait = rho_p * replica.prefill_residual_s / (1.0 - rho_p)
            k_tok = np.where(rate > 0, dtok * admit * inv_rate / step, 0.0)
        tpot_s = replica.step_s(replica.decode_batch(k_tok))
        res.busy[sl] = np.where(R > 0, np.minimum(cap, q_start + admitted) / (R * step + 1e-300),
                                0.0)

        a_i = admit[t_i, ship_i]
        served = np.floor(n_i * a_i + 1e-9).astype(np.int64)
        served = np.minimum(served, n_i)
        dropped = n_i - served
        res.dropped_overload += int(dropped.sum())
        res.served += int(served.sum())
        served_by_ship += np.bincount(ship_i, served, N).astype(np.int64)
        tok_i = tokens[k_i]
        res.tokens_served += int((served * tok_i).sum())
        lost_tokens = int((dropped * tok_i).sum())
        by_class_unreached = (counts.sum(axis=(0, 1)) - np.bincount(k_i, n_i, K)).astype(np.int64)
        res.tokens_dropped += lost_tokens + int((by_class_unreached * tokens).sum())

        ttft = (rtt[t_i, s_i, ship_i]
                + 1000.0 * (wait[t_i, ship_i] + pf_wait[t_i, ship_i] + pf_k[k_i]))
        tpot = 1000.0 * tpot_s[t_i, ship_i]
        ok = served > 0
        res.slo_met += int(served[ok & (ttft <= slo_ttft) & (tpot <= slo_tpot)].sum())
        res.cohorts_total += int(ok.sum())
        out["ttft"].append(ttft[ok].astype(np.float32))
        out["tpot"].append(tpot[ok].astype(np.float32))
        out["count"].append(served[ok].astype(np.int32))
        out["region"].append(region_of_site[s_i[ok]].astype(np.int16))
        if on_progress is not None:
            on_progress(sl.stop / T)

    if out["ttft"]:
        res.ttft_ms = np.concatenate(out["ttft"])
        res.tpot_ms = np.concatenate(out["tpot"])
        res.count = np.concatenate(out["count"])
        res.region = np.concatenate(out["region"])
    res.served_by_ship = served_by_ship
    return res


def _route_least_loaded(counts, avail, rate, step, backlog, max_q, svc_k, pf_k, out_k):
    """Route step by step: each site's requests split over its available ships in
    proportion to their spare capacity at the start of the step (backlog counted)."""
    tc, S, K = counts.shape
    N = rate.shape[1]
    q = backlog.copy()
    q_start = np.zeros((tc, N))
    admitted = np.zeros((tc, N))
    work = np.zeros((tc, N))
    pwork = np.zeros((tc, N))
    dtok = np.zeros((tc, N))
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
        work[t] = np.bincount(ship_i, n_i * svc_k[k_i], N)
        pwork[t] = np.bincount(ship_i, n_i * pf_k[k_i], N)
        dtok[t] = np.bincount(ship_i, n_i * out_k[k_i], N)
        q_start[t] = q
        room = np.maximum(max_q * rate[t] + cap - q, 0.0)
        adm = np.minimum(work[t], room)
        admitted[t] = adm
        q = np.maximum(q + adm - cap, 0.0)
        parts.append((np.full(len(n_i), t), s_i, k_i, ship_i, n_i))
    t_i, s_i, k_i, ship_i, n_i = (np.concatenate([p[j] for p in parts]) for j in range(5))
    return t_i, s_i, k_i, ship_i, n_i, work, pwork, dtok, q_start, admitted, q
