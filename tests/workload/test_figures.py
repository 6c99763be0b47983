import json

from aether.report.workload import workload_figures
from aether.workload import simulate_workload

from .conftest import settings, small_inputs, small_job


def test_figures_and_json_ready_metrics(inference_settings, ft_settings):
    res = simulate_workload(settings([small_job()], inference=inference_settings,
                                     fine_tuning=ft_settings), small_inputs(), 0)
    json.dumps(res.metrics())
    figs = workload_figures(res)
    assert len(figs) == 3
    state = res.state_at(3600.0)
    assert 0 < state["gpu_utilisation"]["aether-1"] <= 1
    assert 0 < state["training"]["job"]["progress"] < 1
