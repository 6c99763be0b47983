"""Fine-tuning jobs: Poisson arrivals, log-normal sizes, deadlines, a pool of GPU slots.

Each ship given to fine-tuning holds gpus_per_ship // gpus_per_job slots. A job waits in
a queue (FIFO or earliest deadline first), runs on a free slot at the ship's delivered
compute, and meets its deadline if it finishes by arrival + deadline.
"""

import heapq
from dataclasses import dataclass, field

import numpy as np

from aether.constants import SECONDS_PER_DAY, SECONDS_PER_HOUR
from aether.settings.workload import FineTuning
from aether.workload import events as ev
from aether.workload.timeline import RateTimeline


@dataclass
class FineTuningResult:
    arrival_s: list[float] = field(default_factory=list)
    size_gpu_h: list[float] = field(default_factory=list)
    deadline_s: list[float] = field(default_factory=list)
    start_s: list[float] = field(default_factory=list)
    end_s: list[float] = field(default_factory=list)
    ship: list[int] = field(default_factory=list)
    slots: int = 0
    # (start s, end s, ship, gpus) of every run, for utilisation.
    busy: list[tuple[float, float, int, int]] = field(default_factory=list)

    def metrics(self) -> dict:
        n = len(self.arrival_s)
        end = np.array(self.end_s, float)
        done = np.isfinite(end)
        met = done & (end <= np.array(self.deadline_s, float))
        wait_h = (np.array(self.start_s, float) - np.array(self.arrival_s, float)) / SECONDS_PER_HOUR
        turn_h = (end - np.array(self.arrival_s, float)) / SECONDS_PER_HOUR
        started = np.isfinite(wait_h)
        return {
            "jobs": n,
            "completed": int(done.sum()),
            "deadlines_met": int(met.sum()),
            "deadlines_missed": int(n - met.sum()),
            "deadline_attainment": round(float(met.mean()), 6) if n else None,
            "slots": self.slots,
            "gpu_hours": round(float(np.sum(self.size_gpu_h)), 3),
            "wait_h_mean": round(float(wait_h[started].mean()), 4) if started.any() else None,
            "turnaround_h_p95": round(float(np.percentile(turn_h[done], 95)), 4)
            if done.any() else None,
        }


class FineTuningProcess:
    def __init__(self, settings: FineTuning, ship_index: list[int], delivered: list[RateTimeline],
                 queue: ev.EventQueue, rng: np.random.Generator, run_s: float):
        self.s, self.q = settings, queue
        self.delivered = delivered  # per listed ship: GPU-seconds per second per GPU
        self.free: list[tuple[int, int]] = []  # (ship position, slot) heap
        per_ship = settings.gpus_per_ship // settings.gpus_per_job
        for pos in range(len(ship_index)):
            for slot in range(per_ship):
                heapq.heappush(self.free, (pos, slot))
        self.ship_index = ship_index
        self.waiting: list[tuple[float, int]] = []
        self.r = FineTuningResult(slots=len(self.free))
        rate_per_s = settings.arrivals_per_day / SECONDS_PER_DAY
        times = []
        if rate_per_s > 0:
            t = rng.exponential(1.0 / rate_per_s)
            while t < run_s:
                times.append(t)
                t += rng.exponential(1.0 / rate_per_s)
        sizes = settings.size_gpu_hours.median * np.exp(
            settings.size_gpu_hours.sigma * rng.standard_normal(len(times)))
        for t, size in zip(times, sizes, strict=True):
            queue.schedule(t, ev.ARRIVAL, lambda now, size=float(size): self._arrive(now, size))

    def _arrive(self, t: float, size_gpu_h: float) -> None:
        r = self.r
        i = len(r.arrival_s)
        r.arrival_s.append(t)
        r.size_gpu_h.append(size_gpu_h)
        r.deadline_s.append(t + self.s.deadline_h * SECONDS_PER_HOUR)
        r.start_s.append(np.inf)
        r.end_s.append(np.inf)
        r.ship.append(-1)
        key = r.deadline_s[i] if self.s.scheduling == "edf" else t
        heapq.heappush(self.waiting, (key, i))
        self._dispatch(t)

    def _dispatch(self, t: float) -> None:
        while self.waiting and self.free:
            _, i = heapq.heappop(self.waiting)
            pos, slot = heapq.heappop(self.free)
            gpu_s = self.r.size_gpu_h[i] * SECONDS_PER_HOUR / self.s.gpus_per_job
            end = self.delivered[pos].time_to_accumulate(t, gpu_s)
            self.r.start_s[i] = t
            self.r.ship[i] = self.ship_index[pos]
            if np.isfinite(end):
                self.q.schedule(end, ev.COMPLETION,
                                lambda now, i=i, pos=pos, slot=slot: self._done(now, i, pos, slot))

    def _done(self, t: float, i: int, pos: int, slot: int) -> None:
        self.r.end_s[i] = t
        self.r.busy.append((self.r.start_s[i], t, self.ship_index[pos], self.s.gpus_per_job))
        heapq.heappush(self.free, (pos, slot))
        self._dispatch(t)
