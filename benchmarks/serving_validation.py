"""`aether infer` beside published serving results: the validation table of docs/serving.md.

Each row of benchmarks/serving_published.yaml becomes the query `aether infer` answers
(aether.workload.infer, the function behind the command), with the benchmark's own engine
settings where the source states them:

- bench: trtllm-bench's offline throughput run (all requests queued at once): a closed loop
  as large as the request count; trtllm-bench sizes max_batch_size and max_num_tokens from
  the KV cache (tensorrt_llm/bench/build/tuning.py, finetune_setting) with
  --kv_cache_free_gpu_mem_fraction 0.95, and the same rule is applied to Aether's KV cache.
- rate with requests: an open loop at that rate for a run of that many requests; the source
  divides by the run's length, which is the arrivals' span (or the work at capacity) plus
  the last request's latency, so the model's figure is taken the same way.
- burst: all requests sent at once and measured once (TensorRT-LLM's "QPS INF"): shown as a
  closed loop of that many clients, which it is not quite (see docs/serving.md).
- concurrency: a closed loop (NIM's genai-perf, vLLM's offline run).

Usage: python benchmarks/serving_validation.py [--write | --check]. --write puts the table
into docs/serving.md between its markers; --check exits 1 when the page is out of date.
"""

import argparse
import math
import sys
from pathlib import Path

import yaml

from aether.settings.workload import InferQuery
from aether.workload import infer

ROOT = Path(__file__).resolve().parents[1]
ROWS = ROOT / "benchmarks" / "serving_published.yaml"
PAGE = ROOT / "docs" / "serving.md"
BEGIN, END = "<!-- validation table: begin -->", "<!-- validation table: end -->"
THROUGHPUT_TOLERANCE, ITL_TOLERANCE = 0.25, 0.35
TRTLLM_BENCH_KV_FRACTION = 0.95


def trtllm_bench_settings(kv_requests: float, prompt: int, output: int) -> tuple[int, int]:
    """trtllm-bench's max_batch_size and max_num_tokens for a dataset (finetune_setting in
    tensorrt_llm/bench/build/tuning.py, optimistic tuning, pipeline size 1)."""
    raw_bs = min(kv_requests, 4096)
    raw_token = min(raw_bs * (1 + prompt / output), 32768)
    if raw_bs < 256:
        max_bs = max(64, 32 * math.ceil(raw_bs / 32))
    elif raw_bs < 1024:
        max_bs = 128 * math.ceil(raw_bs / 128)
    else:
        max_bs = 256 * math.ceil(raw_bs / 256)
    if raw_token < 4096:
        max_token = max(2048, 256 * math.ceil(raw_token / 256))
    elif raw_token < 8192:
        max_token = 512 * math.ceil(raw_token / 512)
    else:
        max_token = 1024 * math.ceil(raw_token / 1024)
    return max_bs, max_token


def query(row: dict, engine: dict | None = None) -> InferQuery:
    """The `aether infer` query of a published row (engine: serving settings to try instead
    of the defaults, for the fit)."""
    serving = {"tensor_parallel": row["tp"], "precision": row["precision"], **row.get("serving", {}),
               **(engine or {})}
    load = row["load"]
    base = {"model": {"name": row["model"]}, "gpu": row["gpu"], "prompt_tokens": row["prompt"],
            "output_tokens": row["output"]}
    if "bench" in load:
        serving.update(kv_cache_fraction=TRTLLM_BENCH_KV_FRACTION, max_batch=1_000_000)
        probe = infer(InferQuery(**base, serving=serving, concurrency=1))
        serving["max_batch"], serving["max_tokens"] = trtllm_bench_settings(
            probe["batch_limit"], row["prompt"], row["output"])
        return InferQuery(**base, serving=serving, concurrency=load["bench"])
    if "rate" in load:
        return InferQuery(**base, serving=serving, rate_per_s=float(load["rate"]))
    return InferQuery(**base, serving=serving, concurrency=load.get("concurrency", load.get("burst")))


def modelled(row: dict, engine: dict | None = None) -> dict:
    """Aether's output tok/s and mean inter-token latency for a row, measured as its source measures."""
    answer = infer(query(row, engine))
    output_tok_s = answer["output_tok_s"]
    requests = row["load"].get("requests")
    if requests:
        latency_s = (answer["ttft_ms"]["mean"] or 0.0) / 1e3 + row["output"] * answer["itl_ms"]["mean"] / 1e3
        span_s = requests / answer["requests_per_s"]
        output_tok_s = requests * row["output"] / (span_s + latency_s)
    return {"output_tok_s": output_tok_s, "itl_ms": answer["itl_ms"]["mean"], "answer": answer}


def compare(rows: list[dict], engine: dict | None = None) -> list[dict]:
    """Each row with Aether's figures and the relative errors (None where not published)."""
    out = []
    for row in rows:
        m = modelled(row, engine)
        t_err = m["output_tok_s"] / row["output_tok_s"] - 1 if "output_tok_s" in row else None
        i_err = m["itl_ms"] / row["itl_ms"] - 1 if "itl_ms" in row else None
        ok = ((t_err is None or abs(t_err) <= THROUGHPUT_TOLERANCE)
              and (i_err is None or abs(i_err) <= ITL_TOLERANCE))
        out.append({**row, "aether_output_tok_s": m["output_tok_s"], "aether_itl_ms": m["itl_ms"],
                    "throughput_error": t_err, "itl_error": i_err, "within": ok})
    return out


def load_label(load: dict) -> str:
    if "bench" in load:
        return f"max ({load['bench']:,} queued)"
    if "burst" in load:
        return f"INF ({load['burst']} at once)"
    if "rate" in load:
        return f"{load['rate']:g} req/s" + (f" ({load['requests']} req)" if "requests" in load else "")
    return f"{load['concurrency']:,} clients"


def _pct(x) -> str:
    return "" if x is None else f"{x:+.0%}"


def summary(results: list[dict]) -> str:
    lines = []
    for use in ("fit", "held out"):
        part = [r for r in results if r["use"] == use]
        t = [r for r in part if r["throughput_error"] is not None]
        i = [r for r in part if r["itl_error"] is not None]
        t_ok = sum(abs(r["throughput_error"]) <= THROUGHPUT_TOLERANCE for r in t)
        i_ok = sum(abs(r["itl_error"]) <= ITL_TOLERANCE for r in i)
        lines.append(f"- {use}: {sum(r['within'] for r in part)} of {len(part)} rows within both tolerances; "
                     f"throughput within ±25 % on {t_ok} of {len(t)}, inter-token latency within ±35 % on "
                     f"{i_ok} of {len(i)}")
    return "\n".join(lines)


def table(results: list[dict]) -> str:
    head = ("| row | source | engine | GPU | model | prec. | TP | prompt/output | load | out tok/s published "
            "| Aether | error | ITL ms published | Aether | error | use | within |\n"
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    body = []
    for r in results:
        published = "output_tok_s" in r
        cells = [r["id"], r["source"], r["engine"], r["gpu"], r["model"], r["precision"], str(r["tp"]),
                 f"{r['prompt']}/{r['output']}", load_label(r["load"]),
                 f"{r['output_tok_s']:,.0f}" if published else "",
                 f"{r['aether_output_tok_s']:,.0f}" if published else "", _pct(r["throughput_error"]),
                 f"{r['itl_ms']:g} ({r['itl_stat']})" if "itl_ms" in r else "",
                 f"{r['aether_itl_ms']:.1f}" if "itl_ms" in r else "", _pct(r["itl_error"]),
                 r["use"], "yes" if r["within"] else "**no**"]
        body.append("| " + " | ".join(cells) + " |")
    return "\n".join([summary(results), "", head, *body])


def published_rows() -> list[dict]:
    return yaml.safe_load(ROWS.read_text())["rows"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="write the table into docs/serving.md")
    mode.add_argument("--check", action="store_true", help="exit 1 when docs/serving.md is out of date")
    args = parser.parse_args()
    text = table(compare(published_rows()))
    if not (args.write or args.check):
        print(text)
        return 0
    page = PAGE.read_text()
    start, stop = page.index(BEGIN) + len(BEGIN), page.index(END)
    new = page[:start] + "\n" + text + "\n" + page[stop:]
    if args.check:
        if new != page:
            print("docs/serving.md: the validation table is out of date "
                  "(python benchmarks/serving_validation.py --write)")
            return 1
        return 0
    PAGE.write_text(new)
    print(summary(compare(published_rows())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
