"""Outputs of a run: metrics.json, report.html with plots, and time series."""

from aether.report.write import write_outputs

__all__ = ["write_outputs"]
