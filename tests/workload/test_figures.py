import json

import numpy as np
import pytest

from aether.report.workload import workload_figures
from aether.workload import simulate_workload

from .conftest import settings, small_inputs, small_job


def test_figures_state_and_json_ready_metrics(inference_settings, ft_settings):
    inputs = small_inputs()
    res = simulate_workload(settings([small_job()], inference=inference_settings,
                                     fine_tuning=ft_settings), inputs, 0)
    json.dumps(res.metrics(), allow_nan=False)
    state = res.state_at(3600.0)
    assert 0 < state["gpu_utilisation"]["aether-1"] <= 1
    assert state["gpu_utilisation"]["aether-1"] == pytest.approx(float(res.gpu_utilisation[120, 0]))
    # Progress after an hour, by hand: 512 B200 at 2.25 PFLOPS x 40% MFU do
    # 4.608e17 FLOP/s at full delivery, times the delivered share the inputs give (1, and
    # 0.6 in eclipse), against 6 x 8e9 x 2e11 = 9.6e21 FLOPs. The job stops for a 0.25 s
    # checkpoint every few minutes (Young) and, at this failure rate (about one per 40 h),
    # is not interrupted within the hour.
    delivered_s = inputs.delivered_fraction[:120, 0].sum() * inputs.step_s
    expected = delivered_s * 512 * 2.25e15 * 0.40 / 9.6e21
    r = res.training["job"]
    before = np.asarray(r.progress_t) <= 3600.0
    assert np.all(np.diff(np.asarray(r.progress_f)[before]) >= 0)  # no rollback in the hour
    assert state["training"]["job"]["progress"] == pytest.approx(expected, rel=2e-3)
    assert not state["training"]["job"]["finished"]
    # The figures draw those timelines.
    utilisation, ttft, progress = workload_figures(res)
    np.testing.assert_allclose(utilisation.axes[0].lines[0].get_ydata(),
                               100 * res.gpu_utilisation[:, 0], rtol=1e-6)
    line = progress.axes[0].lines[0]
    np.testing.assert_allclose(line.get_xdata(), np.asarray(r.progress_t) / 86400)
    np.testing.assert_allclose(line.get_ydata(), 100 * np.asarray(r.progress_f))
    cdf = ttft.axes[0].lines[0].get_ydata()
    assert np.all(np.diff(cdf) >= 0) and cdf[-1] <= 100.0
