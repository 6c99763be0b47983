"""`aether calibrate`: time this machine's GPU on a model's shapes and fit the serving model to it.

The micro-benchmark runs through PyTorch (the optional extra `calibrate`) on a CUDA GPU;
without either it stops in one line, exit 2. `--device cpu` (for development) runs the same
work through numpy on the CPU. The calibration file goes to --out (never over an existing
file) or, without it, to stdout; progress and a summary go to stderr (docs/calibrate.md).
"""

from contextlib import nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
import yaml
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from aether.cli.infer import model_data
from aether.errors import ScenarioError
from aether.files import output_file
from aether.scenario.load import error_message
from aether.settings.base import dotted
from aether.settings.calibration import Calibration
from aether.settings.hardware import known_names, lookup
from aether.settings.workload import InferenceModel, served_models

DEVICES = ("cuda", "cpu")


def _shape(text: str) -> InferenceModel:
    """The served model's shape from --model; one line per problem."""
    try:
        return InferenceModel.model_validate(model_data(text, "aether calibrate"))
    except ValidationError as error:
        raise ScenarioError([f"aether calibrate: --model: {text}: {dotted(e['loc']) or '(top level)'}: "
                             f"{error_message(e)}" for e in error.errors()]) from None


def _gpu(given: str | None, device_name: str, cpu: bool) -> str:
    """The catalogue accelerator whose peaks the efficiencies are shares of."""
    from aether.workload import catalogue_gpu

    name = given if given is not None else (None if cpu else catalogue_gpu(device_name))
    if name is None:
        raise ScenarioError([f"aether calibrate: --gpu: {device_name} is not a catalogue accelerator; name the "
                             f"one whose peaks the efficiencies are shares of (allowed: {', '.join(known_names())})"])
    try:
        return lookup(name).name
    except KeyError as error:
        raise ScenarioError([f"aether calibrate: --gpu: {error.args[0]}"]) from None


def calibrate(
    model: Annotated[str, typer.Option(help=f"{', '.join(served_models())} or a YAML file of the shape")],
    gpu: Annotated[str | None, typer.Option(help=f"catalogue accelerator ({', '.join(known_names())}); "
                                            "default: the one the device's name names")] = None,
    out: Annotated[Path | None, typer.Option(help="write the calibration YAML here (default: stdout)")] = None,
    quick: Annotated[bool, typer.Option("--quick", help="fewer points and layers: under a minute")] = False,
    device: Annotated[str, typer.Option(hidden=True, help="cuda, or cpu (numpy, for development)")] = "cuda",
):
    """Time this machine's GPU on a model's layers and fit the serving model's efficiencies and overheads."""
    from aether.workload import (
        GRIDS,
        NumpyBackend,
        Shape,
        check_peaks,
        document,
        fit_measurements,
        measure,
        plan,
        torch_backend,
    )

    if device not in DEVICES:
        raise ScenarioError([f"aether calibrate: --device: {device!r} is not allowed (allowed: {', '.join(DEVICES)})"])
    served = _shape(model)
    cpu = device == "cpu"
    with output_file(out) if out is not None else nullcontext() as staging:
        backend = NumpyBackend() if cpu else torch_backend()
        info = backend.device()
        gpu_name = _gpu(gpu, info.name, cpu)
        shape = Shape.of(served)
        grid = GRIDS["cpu" if cpu else "quick" if quick else "full"]
        p = plan(shape, info, grid, served.name)
        err = Console(stderr=True)
        err.print(f"calibrating {served.name} on {info.name} ({info.memory_bytes / 2**30:,.1f} GiB, "
                  f"{info.free_bytes / 2**30:,.1f} free) against {gpu_name}: {len(p.decode)} decode points, "
                  f"{len(p.prompts)} prefills, {p.layers} of {shape.layers} layers timed",
                  highlight=False, soft_wrap=True)
        with Progress(TextColumn("{task.description:<22}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                      TimeElapsedColumn(), console=err) as progress:
            task = progress.add_task("copy", total=2 + len(p.decode) + len(p.prompts))
            m = measure(backend, shape, p, lambda what, done, total: progress.update(task, completed=done,
                                                                                      description=what))
        accelerator = lookup(gpu_name)
        check_peaks(m, accelerator, info)
        fit = fit_measurements(m, served, accelerator, info.value_bytes)
        date = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        content = document(info, gpu_name, served, m, fit, date)
        Calibration.model_validate(content)  # what is written reads back
        text = (f"# aether calibrate --model {served.name}: {info.name}, {date}\n"
                + yaml.safe_dump(content, sort_keys=False))
        if staging is not None:
            staging.write_text(text)
        else:
            typer.echo(text, nl=False)
    f = fit.parameters
    err.print("\n".join([
        f"measured: copy {m.copy_bytes_per_s / 1e12:.3g} TB/s ({m.copy_bytes_per_s / accelerator.hbm_bytes_per_s:.0%}"
        f" of {gpu_name}), {info.dtype} matrix product {m.gemm_flops_per_s / 1e12:,.4g} TFLOP/s "
        f"({m.gemm_flops_per_s / accelerator.peak_flops('bf16'):.0%})",
        f"fitted: gemm_efficiency {f['gemm_efficiency']:.3g}, hbm_efficiency {f['hbm_efficiency']:.3g}, "
        f"step_overhead_s {f['step_overhead_s']:.3g}, sequence_overhead_s {f['sequence_overhead_s']:.3g}",
        f"fit: {fit.errors.size} points, rms error {fit.rms_error:.1%}, largest {fit.max_error:.1%}"
        + (f"; written to {out}" if out is not None else ""),
    ]), highlight=False, soft_wrap=True)
