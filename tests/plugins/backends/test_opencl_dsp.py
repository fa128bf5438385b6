"""The OpenCL DSP kernels equal the kernel's reference kernels; gain staging agrees.

Each kernel (biquad cascade, block energies, the fused filter + energies, oversampled
peak) is checked against :class:`lmms_magenta.dsp.ReferenceDsp` within the exactness
contract of :mod:`lmms_magenta.dsp`, on signals with loud spikes and a very quiet
stretch. Then the gain feature's loudness meter measures the same signal through the
OpenCL kernels and through the CPU's: every figure within 0.01 LU / dB.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from opencl_env import opencl_kernels
from realbackends import backend_of

from lmms_magenta.dsp import DspKernels, FusedFilterEnergies, ReferenceDsp, select_dsp
from lmms_magenta.hardware import select_hardware
from lmms_magenta.kernel import Kernel

signal = pytest.importorskip("scipy.signal")

LENGTHS = [0, 1, 47, 4800, 65537, 200_003]
#: K-weighting-like cascade at 48 kHz: a high shelf and a high-pass (BS.1770's shapes)
SOS = np.vstack(
    [
        signal.butter(2, 1500 / 24000, "high", output="sos"),
        signal.butter(2, 38 / 24000, "high", output="sos"),
    ]
)


@pytest.fixture(scope="module")
def kernel(
    request: pytest.FixtureRequest,
    installed: dict[str, Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> Kernel:
    off = {"measure": False}
    return opencl_kernels(request, installed, tmp_path_factory.mktemp("dsp"))(
        "cpu", "opencl", settings={"cpu": off, "opencl": off}
    )


@pytest.fixture(scope="module")
def opencl(kernel: Kernel) -> Any:
    device = next(d for d in select_hardware(kernel).devices if d.backend == "opencl")
    kernels = backend_of(kernel, "opencl").dsp(device)
    if kernels is None:
        pytest.skip(f"OpenCL device {device.name} has no float64: no DSP kernels there")
    return kernels


def noisy(n: int, seed: int = 0, channels: int = 2) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((channels, n)) * 0.1
    if n > 1000:  # loud spots and a quiet stretch after them
        x[:, n // 3] = 5.0
        x[-1, -1] = -7.0
        x[:, n // 2 : n // 2 + 500] *= 1e-6
    return x


def test_kernels_are_offered_with_the_protocols(opencl: Any) -> None:
    assert isinstance(opencl, DspKernels) and isinstance(opencl, FusedFilterEnergies)
    assert opencl.name == "opencl:0"


@pytest.mark.parametrize("n", LENGTHS)
def test_sos_filter(opencl: Any, n: int) -> None:
    x = noisy(n)
    want = ReferenceDsp().sos_filter(x, SOS)
    got = opencl.sos_filter(x, SOS)
    assert got.shape == x.shape and got.dtype == np.float64
    assert np.abs(got - want).max(initial=0) <= 1e-9 * max(1.0, np.abs(x).max(initial=0))


def test_long_cascades_run_in_passes(opencl: Any) -> None:
    sos = signal.butter(40, 0.2, output="sos")  # 20 sections > 16 per pass
    x = noisy(5000, seed=3, channels=16)
    want = ReferenceDsp().sos_filter(x, sos)
    assert np.abs(opencl.sos_filter(x, sos) - want).max() <= 1e-9 * np.abs(x).max()


@pytest.mark.parametrize("n", LENGTHS)
@pytest.mark.parametrize(("block", "hop"), [(480, 480), (1920, 480), (14400, 480), (400, 100)])
def test_block_energies_and_fused(opencl: Any, n: int, block: int, hop: int) -> None:
    x = noisy(n, seed=1)
    ref = ReferenceDsp()
    for got, want in (
        (opencl.block_energies(x, block, hop), ref.block_energies(x, block, hop)),
        (
            opencl.filtered_block_energies(x, SOS, block, hop),
            ref.block_energies(ref.sos_filter(x, SOS), block, hop),
        ),
    ):
        assert got.shape == want.shape and (got >= 0).all()
        assert np.all(np.abs(got - want) <= 1e-9 * want + 1e-12 * want.max(initial=0))


def test_block_must_be_a_multiple_of_hop(opencl: Any) -> None:
    with pytest.raises(ValueError, match="multiple of hop"):
        opencl.block_energies(noisy(1000), 450, 100)


@pytest.mark.parametrize("n", LENGTHS)
def test_upsampled_peak(opencl: Any, n: int) -> None:
    x = noisy(n, seed=n)
    taps = signal.firwin(48, 0.25) * 4
    want = ReferenceDsp().upsampled_peak(x, 4, taps)
    got = opencl.upsampled_peak(x, 4, taps)
    assert got.shape == (2,)
    assert np.all(np.abs(got - want) <= 1e-9 * np.maximum(want, 1e-300))


def test_select_dsp_uses_opencl_only_when_pinned(kernel: Kernel) -> None:
    pinned = select_dsp(kernel, select_hardware(kernel, "opencl"))
    assert pinned.kernels.name == "opencl:0" and pinned.fallback_reason is None
    auto = select_dsp(kernel, select_hardware(kernel))
    assert not auto.kernels.name.startswith("opencl")


def test_gain_staging_measures_equal_the_cpu(opencl: Any) -> None:
    gain = pytest.importorskip("lmms_magenta_gain.measure", reason="needs lmms-magenta-gain")
    rate = 48000
    rng = np.random.default_rng(4)
    seconds = 20
    t = np.arange(seconds * rate) / rate
    envelope = np.where((t % 10) < 5, 0.5, 0.1)  # 5 s loud, 5 s 14 dB quieter: a real LRA
    x = np.vstack([np.sin(2 * np.pi * 220 * t), rng.standard_normal(t.size) * 0.3]) * envelope
    cpu = gain.measure(x, rate)  # the CPU backend's kernels (or the reference)
    ocl = gain.measure(x, rate, kernels=opencl)
    for field in ("integrated", "loudness_range", "momentary_max", "short_term_max"):
        a, b = getattr(ocl, field), getattr(cpu, field)
        assert a is not None and b is not None and abs(a - b) < 0.01, field
    for field in ("true_peak", "sample_peak", "rms", "rms_active"):
        assert abs(getattr(ocl, field) - getattr(cpu, field)) < 0.01, field
    assert cpu.loudness_range is not None and cpu.loudness_range > 1.0
