"""NPV, IRR and payback against numpy-financial and hand calculations on hand-made cash flows."""

import numpy as np
import numpy_financial as npf
import pytest

from aether.deal import irr, npv, payback_years

# Hand-made yearly cash flows at t = 0, 1, 2, ...: an investment, a bond, a late payback.
FLOWS = [
    [-100.0, 39.0, 59.0, 55.0, 20.0],
    [-1000.0, 50.0, 50.0, 50.0, 1050.0],
    [-500.0, -200.0, 100.0, 200.0, 300.0, 400.0],
]


@pytest.mark.parametrize("cash", FLOWS)
@pytest.mark.parametrize("rate", [0.0, 0.05, 0.08, 0.25])
def test_npv_matches_numpy_financial(cash, rate):
    times = np.arange(len(cash))
    assert npv(np.array(cash), times, rate) == pytest.approx(npf.npv(rate, cash), rel=1e-12)


@pytest.mark.parametrize("cash", FLOWS)
def test_irr_matches_numpy_financial(cash):
    times = np.arange(len(cash))
    assert irr(np.array(cash), times) == pytest.approx(npf.irr(cash), abs=1e-10)


def test_a_bond_at_par_returns_its_coupon():
    # A 5 % coupon bond bought at par: the rate of return is the coupon, exactly.
    assert float(irr(np.array(FLOWS[1]), np.arange(5))) == pytest.approx(0.05, abs=1e-12)


def test_many_rows_at_once_equal_one_at_a_time():
    rows = np.array([[-100.0, 60.0, 60.0], [-100.0, 10.0, 10.0], [-100.0, 50.0, 70.0]])
    times = np.array([0.0, 1.5, 2.5])  # not whole years: discounting by (1 + r) ** -t
    together = irr(rows, times)
    for row, value in zip(rows, together, strict=True):
        assert float(irr(row, times)) == pytest.approx(float(value), abs=1e-12)
        assert float(npv(row, times, value)) == pytest.approx(0.0, abs=1e-8)


def test_no_rate_of_return_when_cash_never_changes_sign():
    assert np.isnan(irr(np.array([100.0, 50.0]), np.array([0.0, 1.0])))


def test_payback_by_hand():
    # Running totals -100, -61, -2, 53, 73: back above zero at the event at t = 3.
    assert float(payback_years(np.array(FLOWS[0]), np.arange(5))) == 3.0
    # Running totals -500, -700, -600, -400, -100, 300: at t = 5.
    assert float(payback_years(np.array(FLOWS[2]), np.arange(6))) == 5.0
    # Never above zero at the end.
    assert np.isnan(payback_years(np.array([-10.0, 5.0]), np.arange(2)))
    # Dips below zero again after being above: payback is after the last dip.
    assert float(payback_years(np.array([10.0, -20.0, 15.0]), np.arange(3))) == 2.0
