"""Solar array output and the accelerator catalogue against published figures."""

import numpy as np
import pytest

from aether.settings import hardware as catalogue
from aether.ship.solar import array_power_w, cosine_factor
from aether.ship.stage import run_ships
from tests.ship.conftest import make_spec


def test_starlink_v2_mini_array_28_kw():
    # Suncatcher (arXiv 2511.19468): 105 m^2 x 22% x 1.361 kW/m^2 x 0.9 packing = 28 kW.
    power = array_power_w(105.0, 0.22, 0.9, solar_constant_w_m2=1361.0)
    assert power / 1000 == pytest.approx(28.0, abs=0.5)


def test_shadow_and_cosine():
    assert array_power_w(100.0, 0.3, 0.9, sunlit=0.0) == 0.0
    assert cosine_factor("orbit_normal", 90.0) == pytest.approx(1.0)
    assert cosine_factor("orbit_normal", 0.0) == pytest.approx(0.0)
    assert cosine_factor("single_axis", 60.0) == pytest.approx(0.5)
    assert np.all(cosine_factor("tracking", np.array([0.0, 45.0, 90.0])) == 1.0)


@pytest.mark.parametrize("kwargs", [{"efficiency": 1.2}, {"area_m2": -1.0}, {"packing_factor": 1.5}])
def test_bad_array_input(kwargs):
    args = {"area_m2": 10.0, "efficiency": 0.3, "packing_factor": 0.9, **kwargs}
    with pytest.raises(ValueError):
        array_power_w(**args)


def test_catalogue_matches_references():
    # NVIDIA H100 SXM, H200 and B200 datasheets: H100 SXM 989 TFLOPS, 3.35 TB/s, 700 W; H200 989
    # TFLOPS, 4.8 TB/s, 700 W; B200 2.25 PFLOPS, 8 TB/s, 1000 W; GB200 NVL72: 72 GPUs, about
    # 120 kW. Memory as nvidia-smi reports it: 81,559 MiB ("80 GB"), 143,771 MiB ("141 GB"),
    # 183,359 MiB ("180 GB" in a DGX B200), 1 MiB = 1,048,576 bytes.
    h100, h200, b200, gb200 = (catalogue.lookup(n) for n in ("H100-SXM", "H200-SXM", "B200", "GB200"))
    assert (h100.bf16_dense_tflops, h100.hbm_tb_s, h100.board_power_w) == (989, 3.35, 700)
    assert (h200.bf16_dense_tflops, h200.hbm_tb_s, h200.board_power_w) == (989, 4.8, 700)
    assert (b200.bf16_dense_tflops, b200.hbm_tb_s, b200.board_power_w) == (2250, 8.0, 1000)
    assert h100.hbm_bytes == 81_559 * 1_048_576 == 85_520_809_984
    assert h200.hbm_bytes == 143_771 * 1_048_576
    assert b200.hbm_bytes == 183_359 * 1_048_576
    assert round(h100.hbm_gb, 1) == 85.5 and round(h200.hbm_gb, 1) == 150.8 and round(b200.hbm_gb, 1) == 192.3
    # NVLink 4 (H100, H200): 900 GB/s both ways, 450 each way; NVLink 5 (B200, GB200): 1.8 TB/s.
    assert (h100.nvlink_gb_s, h200.nvlink_gb_s, b200.nvlink_gb_s, gb200.nvlink_gb_s) == (450, 450, 900, 900)
    assert 72 * gb200.power_w / 1000 == pytest.approx(120, rel=0.02)
    for acc in (h100, h200, b200, gb200):
        assert acc.fp8_dense_tflops == pytest.approx(2 * acc.bf16_dense_tflops, rel=1e-3)
        # NCCL's ring reaches 76-82 % of the line rate (nccl-tests busBw).
        assert 0.75 < acc.allreduce_gb_s / acc.nvlink_gb_s < 0.83


def test_unknown_accelerator_lists_known():
    with pytest.raises(KeyError) as error:
        catalogue.lookup("TPU-v9")
    for name in ("H100-SXM", "H200-SXM", "B200", "GB200"):
        assert name in str(error.value)


def test_power_curve_shape():
    curve = catalogue.power_curve()
    p = np.linspace(0, 1, 101)
    t = curve.throughput(p)
    assert t[0] == 0.0 and t[-1] == 1.0
    assert np.all(np.diff(t) >= 0)
    assert np.all(t >= p - 1e-12)  # capping power never loses more than proportionally
    with pytest.raises(ValueError):
        catalogue.make_curve([0.5, 0.4], [0.5, 0.6])


@pytest.mark.parametrize(("pointing", "beta_deg", "cosine"), [
    ("tracking", 75.0, 1.0),       # two-axis tracking: always face-on
    ("single_axis", 60.0, 0.5),    # turning about the orbit normal: cos(beta)
    ("orbit_normal", 30.0, 0.5),   # fixed on the orbit normal: |sin(beta)|
])
def test_suncatcher_array_in_the_ship_stage(envelope, pointing, beta_deg, cosine):
    # Suncatcher's Starlink v2 mini array (arXiv 2511.19468): 105 m^2 x 22% x 1.361 kW/m^2
    # x 0.9 packing = 28.30 kW, "28 kW". The stage's array output [time, ship] in full Sun,
    # half of the Sun's disc hidden (penumbra) and umbra, at the pointing's cosine.
    solar = {"area_m2": 105.0, "efficiency": 0.22, "packing_factor": 0.9, "pointing": pointing}
    spec = make_spec(envelope, gpus=10, solar=solar)
    sunlit = np.array([[1.0], [0.5], [0.0]])
    result = run_ships([spec], sunlit, np.full((3, 1), beta_deg), 10.0)
    full = 105.0 * 0.22 * 0.9 * 1361.0  # 28,295 W
    assert full / 1000 == pytest.approx(28.0, abs=0.5)
    np.testing.assert_allclose(result.solar_w[:, 0], [full * cosine, full * cosine / 2, 0.0],
                               rtol=1e-12, atol=1e-9)
