"""The report's figures as jobs, drawn on worker processes while the rest is written.

A FigureJob is a top-level drawing function and the part of the results it draws, so it
pickles to the workers of any executor (a run's process pool, spawned or forked); PNG
bytes come back. Without an executor the jobs run here, one by one, when asked for.
"""

from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass

from aether.report import plots
from aether.report.deal import cash_flows
from aether.report.fleet import fleet_figures
from aether.report.network import network_figures
from aether.report.ship import drag_plots, ship_figures
from aether.report.workload import workload_figures

# Tracked spacecraft drawn on the ground-track map and the sunlight timelines.
PLOTTED_TRACKS = 8


@dataclass(frozen=True)
class FigureJob:
    """draw(*args) gives one Figure or a list of them; calling the job gives their PNGs."""

    draw: Callable
    args: tuple

    def __call__(self) -> list[bytes]:
        drawn = self.draw(*self.args)
        return [plots.figure_png(figure) for figure in (drawn if isinstance(drawn, list) else [drawn])]


def figure_jobs(results) -> dict[str, list[FigureJob]]:
    """The figures of each report section, in the order they appear."""
    tracks = dict(list(results.orbit.tracks.items())[:PLOTTED_TRACKS])
    orbit = [FigureJob(plots.ground_track_map, (tracks, results.users, results.gateways))]
    if tracks:
        orbit.append(FigureJob(plots.sunlight_timeline, (results.grid.seconds, tracks)))
    orbit.append(FigureJob(plots.eclipse_season, (results.orbit.seasons, results.orbits)))
    jobs = {
        "orbit": orbit,
        "ship": [FigureJob(ship_figures, (results.ships, results.ship_days))]
        + ([FigureJob(drag_plots, (results.ships.drag,))] if results.ships.drag else []),
        "network": [FigureJob(network_figures, (results.network,))],
    }
    if results.workload is not None:
        jobs["workload"] = [FigureJob(workload_figures, (results.workload,))]
    if results.fleet is not None:
        jobs["fleet"] = [FigureJob(fleet_figures, (results.fleet,))]
    if results.deal is not None:
        jobs["deal"] = [FigureJob(cash_flows, (results.deal,))]
    return jobs


class DrawnFigures:
    """Every figure job started at once on the executor (or left to run here when asked
    for); pngs(section) waits for that section's."""

    def __init__(self, jobs: dict[str, list[FigureJob]], executor: Executor | None = None):
        self._pending = {
            section: [executor.submit(job).result if executor else job for job in section_jobs]
            for section, section_jobs in jobs.items()
        }

    def pngs(self, section: str) -> list[bytes]:
        return [png for get in self._pending.get(section, []) for png in get()]
