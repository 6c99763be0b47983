"""Design sweeps and optimisation: many scenarios through aether.simulate, on a local
process pool or a Ray cluster, one row per case in Parquet (docs/sweeps.md)."""

from aether.sweep.pareto import pareto_front
from aether.sweep.run import run_sweep
from aether.sweep.spec import SweepSpec, load_spec, spec_names

__all__ = ["SweepSpec", "load_spec", "pareto_front", "run_sweep", "spec_names"]
