"""A small deterministic discrete-event core (after simpy): a clock and a heap of events.

Events fire in order of (time, priority, sequence): equal times go by priority (lower
first), then by the order they were scheduled, so a run never depends on hash order or
floating-point ties. A scheduled event can be cancelled (an interrupt, in simpy's words);
cancelled events are skipped when they come up.
"""

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field

# Priorities for events at the same instant: outages first, then failures, then the rest.
OUTAGE = 0
FAILURE = 1
COMPLETION = 2
CHECKPOINT = 3
ARRIVAL = 4


@dataclass(order=True)
class Event:
    time: float
    priority: int
    sequence: int
    action: Callable[[float], None] = field(compare=False)
    cancelled: bool = field(default=False, compare=False)

    def cancel(self) -> None:
        self.cancelled = True


class EventQueue:
    """The clock and the pending events of one simulation."""

    def __init__(self) -> None:
        self._heap: list[Event] = []
        self._sequence = 0
        self.now = 0.0
        self.fired = 0

    def schedule(self, time: float, priority: int, action: Callable[[float], None]) -> Event:
        """Call action(time) at `time` (never before now)."""
        if time < self.now:
            raise ValueError(f"event at {time} s scheduled in the past (now {self.now} s)")
        event = Event(float(time), priority, self._sequence, action)
        self._sequence += 1
        heapq.heappush(self._heap, event)
        return event

    def __len__(self) -> int:
        return len(self._heap)

    def run(self, until: float = float("inf")) -> None:
        """Fire events in order until none is left or the next one lies beyond `until`."""
        heap = self._heap
        while heap and heap[0].time <= until:
            event = heapq.heappop(heap)
            if event.cancelled:
                continue
            self.now = event.time
            self.fired += 1
            event.action(event.time)
        self.now = max(self.now, until) if until != float("inf") else self.now
