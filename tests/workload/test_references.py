"""The models against published figures (each test cites its primary source)."""

import math

import pytest

from aether.settings.workload import GPU_MTBF_H
from aether.workload import (
    checkpoint_bytes,
    daly_interval_s,
    decode_tokens_per_s,
    kv_bytes_per_token,
    training_flops,
    young_interval_s,
)
from aether.workload.failures import job_failure_rates


def test_llama3_405b_training_compute():
    # Dubey et al. 2024 ("The Llama 3 Herd of Models"): 3.8e25 FLOPs for 405B on 15.6T tokens.
    assert training_flops(405e9, 15.6e12) == pytest.approx(3.8e25, rel=0.01)


def test_young_interval():
    # Young 1974: tau = sqrt(2 C M). C = 60 s, M = 24 h -> sqrt(2 * 60 * 86400) = 3220 s.
    assert young_interval_s(60.0, 86400.0) == pytest.approx(3219.94, rel=1e-4)
    # Daly 2006 is Young's plus higher-order terms minus C; close to Young when C << M.
    assert daly_interval_s(60.0, 86400.0) == pytest.approx(
        young_interval_s(60.0, 86400.0) - 60.0, rel=0.02)


def test_llama3_failure_rate_reproduced():
    # Llama 3: 419 interruptions in 54 days on 16,384 GPUs -> job MTBF 54 * 24 / 419 = 3.09 h.
    rates = job_failure_rates(16_384, GPU_MTBF_H, 0.0, rad_per_sdc=17.0, sdc_rollback_fraction=0.0,
                              rad_per_functional_interrupt=1000.0,
                              hard_failure_increase_per_krad_per_year=0.5)
    assert rates.mtbf_s / 3600.0 == pytest.approx(54 * 24 / 419, rel=1e-9)


def test_suncatcher_sdc_rate():
    # Suncatcher: one SDC per 14-20 rad; at 150 rad/yr one chip sees 150/17 = 8.8 per year.
    rates = job_failure_rates(1, 1e30, 150.0, rad_per_sdc=17.0, sdc_rollback_fraction=1.0,
                              rad_per_functional_interrupt=1e30,
                              hard_failure_increase_per_krad_per_year=0.0)
    assert rates.sdc_per_s * 365.25 * 86400 == pytest.approx(150.0 / 17.0)


def test_adam_checkpoint_size():
    # Mixed-precision Adam: 16 bytes/param (ZeRO, Rajbhandari et al. 2020) -> 405B: 6.48 TB.
    assert checkpoint_bytes(405e9) == pytest.approx(6.48e12)


def test_decode_batch1_is_memory_bound_h100_70b():
    # 70B at 2 bytes/param on an H100 SXM (3.35 TB/s, 989 TFLOPS dense BF16): a step reads
    # 140 GB, so batch 1 gives 3.35e12 / 140e9 = 23.9 tokens/s.
    tps = decode_tokens_per_s(70e9, 2.0, 1, 0.0, 989e12, 3.35e12)
    assert tps == pytest.approx(3.35e12 / 140e9, rel=1e-12)
    assert tps == pytest.approx(23.93, abs=0.01)
    # At a large batch the compute roof takes over: 989e12 / (2 * 70e9) = 7064 tokens/s.
    assert decode_tokens_per_s(70e9, 2.0, 1e6, 0.0, 989e12, 3.35e12) == pytest.approx(
        989e12 / 140e9, rel=1e-12)


def test_kv_cache_llama3_70b():
    # Llama 3 70B: 80 layers, 8 KV heads, head dim 128, bf16 -> 2*80*8*128*2 = 327,680 B/token.
    assert kv_bytes_per_token(80, 8, 128, 2) == 327_680
    assert math.isclose(kv_bytes_per_token(80, 8, 128, 1), 163_840)
