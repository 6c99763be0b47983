"""`aether infer`: a serving calculator on the model the workload stage runs.

Every option is checked by the schema's field behind it (aether.settings.workload.InferQuery),
so the command and a scenario share one set of bounds; a problem is one line naming the
option, exit 2. Numbers are read as a scenario file reads them (YAML 1.2: 1e9 is a number).
"""

import json
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from aether.errors import ScenarioError
from aether.scenario.inputs import MAX_SCENARIO_BYTES, read_text
from aether.scenario.load import error_message, read_calibration, read_yaml
from aether.settings.hardware import known_names
from aether.settings.workload import InferQuery, served_models

# The schema's field behind each option.
OPTIONS = {
    ("model",): "--model", ("gpu",): "--gpu", ("serving", "tensor_parallel"): "--tp",
    ("serving", "pipeline_parallel"): "--pp", ("serving", "precision"): "--precision",
    ("serving", "kv_cache"): "--kv-cache", ("serving", "max_batch"): "--max-batch",
    ("serving", "max_tokens"): "--max-tokens", ("serving", "kv_cache_fraction"): "--kv-cache-fraction",
    ("prompt_tokens",): "--prompt", ("output_tokens",): "--output", ("concurrency",): "--concurrency",
    ("rate_per_s",): "--rate",
}


def _option(loc: tuple) -> str:
    """The option of a schema location (a model field stays named: --model: layers)."""
    for length in (2, 1):
        if loc[:length] in OPTIONS:
            rest = ".".join(str(part) for part in loc[length:])
            return OPTIONS[loc[:length]] + (f": {rest}" if rest else "")
    return "--concurrency/--rate"


def _number(text: str | None):
    """An option's text as a scenario file would read it: a number where it is one."""
    if text is None:
        return None
    value = read_yaml(text, "aether infer")
    return value if isinstance(value, int | float) and not isinstance(value, bool) else text


def model_data(text: str, command: str = "aether infer"):
    """A built-in model name, or a YAML file holding a model's shape, as the schema's data."""
    if text in served_models():
        return {"name": text}
    path = Path(text)
    if path.suffix in (".yaml", ".yml") or path.exists():
        data = read_yaml(read_text(path, f"{command}: --model: {text}", MAX_SCENARIO_BYTES),
                         f"{command}: --model: {text}")
        if not isinstance(data, dict):
            raise ScenarioError([f"{command}: --model: {text}: not a mapping of model fields "
                                 "(allowed: name, parameters, vocab, layers, hidden, heads, kv_heads, "
                                 "head_dim, intermediate)"])
        return {"name": path.stem[:100] or "model", **data}
    raise ScenarioError([f"{command}: --model: {text!r} is not allowed (allowed: "
                         f"{', '.join(served_models())} or a YAML file)"])


def _calibrated(serving: dict, file: str | None) -> dict:
    """Serving settings with a calibration file's engine parameters (aether calibrate)."""
    if file is None:
        return serving
    calibration = read_calibration(Path(file), f"aether infer: --calibration: {file}")
    return {**serving, **calibration.serving.model_dump(), "calibration": file}


def query(**options) -> InferQuery:
    """The options as an InferQuery; ScenarioError with one line per problem otherwise."""
    serving = {field: options[field] for field in
               ("tensor_parallel", "pipeline_parallel", "precision", "kv_cache", "max_batch",
                "max_tokens", "kv_cache_fraction") if options[field] is not None}
    serving = _calibrated(serving, options.get("calibration"))
    data = {"model": model_data(options["model"]), "gpu": options["gpu"], "serving": serving,
            "prompt_tokens": options["prompt_tokens"], "output_tokens": options["output_tokens"],
            "concurrency": options["concurrency"], "rate_per_s": options["rate_per_s"]}
    try:
        return InferQuery.model_validate(data)
    except ValidationError as error:
        problems = []
        for e in error.errors():
            loc = e["loc"] + e.get("ctx", {}).get("loc", ())
            where = _option(loc)
            if loc[:1] == ("model",) and options["model"] not in served_models():
                where = f"--model: {options['model']}" + where.removeprefix("--model")
            problems.append(f"aether infer: {where}: {error_message(e)}")
        raise ScenarioError(problems) from None


def infer(
    model: Annotated[str, typer.Option(help=f"{', '.join(served_models())} or a YAML file of the shape")],
    gpu: Annotated[str, typer.Option(help=f"accelerator ({', '.join(known_names())})")],
    tp: Annotated[str, typer.Option(help="tensor-parallel GPUs per replica")],
    prompt: Annotated[str, typer.Option(help="prompt tokens per request")],
    output: Annotated[str, typer.Option(help="output tokens per request")],
    pp: Annotated[str, typer.Option(help="pipeline stages per replica")] = "1",
    precision: Annotated[str, typer.Option(help="weights and matrix maths: bf16 or fp8")] = "bf16",
    kv_cache: Annotated[str | None, typer.Option(help="KV cache bf16 or fp8 (default: as --precision)")] = None,
    concurrency: Annotated[str | None, typer.Option(help="closed loop: clients, each one request at a time")] = None,
    rate: Annotated[str | None, typer.Option(help="open loop: Poisson arrivals per second")] = None,
    max_batch: Annotated[str | None, typer.Option(help="sequences in flight (default 2048)")] = None,
    max_tokens: Annotated[str | None, typer.Option(help="tokens per iteration (default 8192)")] = None,
    kv_cache_fraction: Annotated[str | None, typer.Option(help="share of free memory for the KV cache (0.9)")] = None,
    calibration: Annotated[str | None, typer.Option(help="a calibration file from aether calibrate: its "
                                                    "efficiencies and overheads replace the defaults")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="print only the JSON")] = False,
):
    """Throughput, TTFT and inter-token latency of one replica under a load."""
    from aether.workload import infer as serve

    q = query(model=model, gpu=gpu, tensor_parallel=_number(tp), pipeline_parallel=_number(pp),
              precision=precision, kv_cache=kv_cache, max_batch=_number(max_batch),
              max_tokens=_number(max_tokens), kv_cache_fraction=_number(kv_cache_fraction),
              prompt_tokens=_number(prompt), output_tokens=_number(output),
              concurrency=_number(concurrency), rate_per_s=_number(rate), calibration=calibration)
    result = serve(q)
    if json_output:
        typer.echo(json.dumps(result, indent=2))
        return
    load = f"{q.concurrency} clients" if q.concurrency is not None else f"{q.rate_per_s:g} requests/s"

    def ms(figures: dict) -> str:
        return "  ".join(f"{k} {'unbounded' if v is None else f'{v:,.1f}'}" for k, v in figures.items())

    typer.echo("\n".join([
        f"{q.model.name} on {result['gpus']} x {q.gpu} (tp {q.serving.tensor_parallel}, "
        f"pp {q.serving.pipeline_parallel}, {q.serving.precision}), {q.prompt_tokens} -> "
        f"{q.output_tokens} tokens, {load}" + (" (saturated)" if result["saturated"] else ""),
        f"  throughput  {result['throughput_tok_s']:,.0f} tok/s ({result['output_tok_s']:,.0f} output), "
        f"{result['requests_per_s']:,.3f} requests/s",
        f"  TTFT ms     {ms(result['ttft_ms'])}",
        f"  ITL ms      {ms(result['itl_ms'])}",
        f"  batch       {result['batch_mean']:,.1f} decoding (limit {result['batch_limit']:,}), "
        f"KV cache {result['kv_capacity_tokens']:,} tokens",
    ]))
