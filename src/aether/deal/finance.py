"""Present value, internal rate of return and payback of dated cash flows.

Cash flows are arrays [..., event] at times in years from a common start (times [event],
shared by every row); each row is one deal. The rate of return is found by bisection
on all rows at once, so ten thousand deals cost no more Python than one.
"""

import numpy as np

from aether.fleet import discount

IRR_RANGE = (-0.99, 10.0)
IRR_ITERATIONS = 100


def npv(cash, times_years, rate) -> np.ndarray:
    """Present value at the start: sum of cash x (1 + rate) ** -t (rate broadcasts over rows)."""
    rate = np.asarray(rate, float)[..., None]
    return (np.asarray(cash, float) * discount(times_years, rate)).sum(axis=-1)


def irr(cash, times_years, rate_range=IRR_RANGE) -> np.ndarray:
    """The rate at which each row's present value is zero; NaN where the present value has
    the same sign at both ends of rate_range (no rate of return there)."""
    lo = np.full(np.shape(cash)[:-1], rate_range[0])
    hi = np.full_like(lo, rate_range[1])
    f_lo = npv(cash, times_years, lo)
    valid = np.sign(f_lo) != np.sign(npv(cash, times_years, hi))
    for _ in range(IRR_ITERATIONS):
        mid = 0.5 * (lo + hi)
        f_mid = npv(cash, times_years, mid)
        same = np.sign(f_mid) == np.sign(f_lo)
        lo, f_lo = np.where(same, mid, lo), np.where(same, f_mid, f_lo)
        hi = np.where(same, hi, mid)
    return np.where(valid, 0.5 * (lo + hi), np.nan)


def payback_years(cash, times_years) -> np.ndarray:
    """The earliest time after which the cumulative (undiscounted) cash never falls below
    zero again; NaN where it ends below zero. Times must be sorted."""
    cumulative = np.cumsum(cash, axis=-1)
    negative = cumulative < 0
    times = np.asarray(times_years, float)
    # Index of the last negative running total (-1 when none), then the event after it.
    last = np.where(negative.any(axis=-1), negative.shape[-1] - 1 - np.argmax(negative[..., ::-1], axis=-1), -1)
    after = last + 1
    return np.where(after < times.size, times[np.minimum(after, times.size - 1)], np.nan)
