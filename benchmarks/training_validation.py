"""Aether's training MFU beside published pre-training throughput: the table of docs/training.md.

Each row of benchmarks/training_published.yaml is one layout of a Llama 3 model on a catalogue
GPU; its published figure is converted to Aether's count (6 x parameters FLOPs per token, see
the file's header) and set beside `aether.workload.training_mfu` for the same layout.

Usage: python benchmarks/training_validation.py [--write | --check]. --write puts the table into
docs/training.md between its markers; --check exits 1 when the page is out of date.
"""

import argparse
import sys
from pathlib import Path

import numpy as np
import yaml

from aether.settings.hardware import lookup
from aether.settings.workload import served_models
from aether.workload import Efficiencies, training_step
from aether.workload.parallelism import model_efficiencies

ROOT = Path(__file__).resolve().parents[1]
ROWS = ROOT / "benchmarks" / "training_published.yaml"
PAGE = ROOT / "docs" / "training.md"
BEGIN, END = "<!-- validation table: begin -->", "<!-- validation table: end -->"
TOLERANCE = 0.15


def load() -> dict:
    return yaml.safe_load(ROWS.read_text())


def published_mfu(row: dict) -> float:
    """The row's MFU on Aether's count, 6 x parameters FLOPs per token, of its precision's peak."""
    shape = served_models()[row["model"]]
    six_n = 6.0 * shape["parameters"]
    if "tokens_per_s_per_gpu" in row:
        return row["tokens_per_s_per_gpu"] * six_n / lookup(row["gpu"]).peak_flops(row["precision"])
    assert row["mfu_definition"] == "6N+attention", row["id"]
    attention = 6.0 * shape["layers"] * row["seq"] * shape["hidden"]
    return row["published_mfu"] * six_n / (six_n + attention)


def model_mfu(rows: list[dict], efficiencies: Efficiencies) -> np.ndarray:
    """Aether's MFU for every row, in one vectorised call."""
    shapes = [served_models()[r["model"]] for r in rows]
    accs = [lookup(r["gpu"]) for r in rows]

    def col(values):
        return np.array(values, float)

    return training_step(
        parameters=col([s["parameters"] for s in shapes]),
        layers=col([s["layers"] for s in shapes]),
        hidden=col([s["hidden"] for s in shapes]),
        sequence_tokens=col([r["seq"] for r in rows]),
        global_batch_tokens=col([r["gbs"] * r["seq"] for r in rows]),
        gpus=col([r["gpus"] for r in rows]),
        tensor_parallel=col([r["tp"] for r in rows]),
        pipeline_parallel=col([r["pp"] for r in rows]),
        context_parallel=col([r["cp"] for r in rows]),
        virtual_stages=col([r["vp"] for r in rows]),
        micro_batch_sequences=col([r["mbs"] for r in rows]),
        peak_flops=col([a.peak_flops(r["precision"]) for a, r in zip(accs, rows, strict=True)]),
        attention_peak_flops=col([a.peak_flops("bf16") for a in accs]),
        hbm_bytes_per_s=col([a.hbm_bytes_per_s for a in accs]),
        scale_up_bus_bytes_per_s=col([a.allreduce_bytes_per_s for a in accs]),
        scale_up_latency_s=col([a.link_latency_s for a in accs]),
        scale_out_bytes_per_s=col([a.scale_out_bytes_per_s for a in accs]),
        scale_up_gpus=col([a.scale_up_gpus for a in accs]),
        efficiencies=efficiencies,
    ).mfu


def table(data: dict, efficiencies: Efficiencies) -> tuple[str, list[float]]:
    rows = data["rows"]
    ours = model_mfu(rows, efficiencies)
    lines = ["| source | model | GPU | precision | GPUs | TP | PP | CP | VP | DP | published MFU (6N) | "
             "Aether MFU | error | use |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    errors = []
    for r, m in zip(rows, ours, strict=True):
        pub = published_mfu(r)
        err = m / pub - 1.0
        errors.append(err)
        dp = r["gpus"] // (r["tp"] * r["pp"] * r["cp"])
        lines.append(f"| {r['source']} | {r['model']} | {r['gpu']} | {r['precision']} | {r['gpus']:,} | "
                     f"{r['tp']} | {r['pp']} | {r['cp']} | {r['vp']} | {dp} | {pub:.1%} | {m:.1%} | "
                     f"{err:+.1%} | {r['use']} |")
    within = sum(abs(e) <= TOLERANCE for e in errors)
    held = [e for e, r in zip(errors, rows, strict=True) if r["use"] != "fit"]
    lines.append("")
    lines.append(f"{within} of {len(rows)} rows within ±{TOLERANCE:.0%} "
                 f"({sum(abs(e) <= TOLERANCE for e in held)} of the {len(held)} held out); "
                 f"mean absolute error {np.mean(np.abs(errors)):.1%}.")
    return "\n".join(lines), errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    text, _ = table(load(), model_efficiencies())
    if not (args.write or args.check):
        print(text)
        return 0
    page = PAGE.read_text()
    head, rest = page.split(BEGIN)
    _, tail = rest.split(END)
    new = f"{head}{BEGIN}\n{text}\n{END}{tail}"
    if args.check:
        if new != page:
            print(f"{PAGE} is out of date: run python benchmarks/training_validation.py --write")
            return 1
        return 0
    PAGE.write_text(new)
    return 0


if __name__ == "__main__":
    sys.exit(main())
