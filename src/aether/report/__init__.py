"""Outputs of a run: metrics.json, report.html with plots, and time series."""

from aether.report.write import output_files, write_outputs

__all__ = ["output_files", "write_outputs"]
