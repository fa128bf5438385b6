"""The CPU backend's DSP kernels equal the kernel's reference kernels; selection falls back."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from lmms_magenta_backend_cpu.dsp import NumpyDsp
from lmms_magenta_gain import kweighting, truepeak

from lmms_magenta.config import Config
from lmms_magenta.dsp import (
    DspKernels,
    FusedFilterEnergies,
    ReferenceDsp,
    block_count,
    filtered_block_energies,
    select_dsp,
)
from lmms_magenta.hardware import HardwareChoice, select_hardware
from lmms_magenta.kernel import Kernel

SOS = kweighting.sos(48000)
LENGTHS = [0, 1, 47, 399, 4800, 65537, 200_003]


def _signal(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((2, n)) * 0.1
    if n > 1000:  # loud spots and a quiet stretch after them: precision and the peak bound
        x[:, n // 3] = 5.0
        x[1, -1] = -7.0
        x[:, n // 2 : n // 2 + 500] *= 1e-6
    return x


def test_both_satisfy_the_protocol() -> None:
    assert isinstance(NumpyDsp(), DspKernels)
    assert isinstance(ReferenceDsp(), DspKernels)
    assert isinstance(NumpyDsp(), FusedFilterEnergies)


@pytest.mark.parametrize("n", LENGTHS)
def test_sos_filter(n: int) -> None:
    x = _signal(n)
    ref = ReferenceDsp().sos_filter(x, SOS)
    out = NumpyDsp().sos_filter(x, SOS)
    assert out.shape == x.shape and out.dtype == np.float64
    assert np.abs(out - ref).max(initial=0) <= 1e-9 * max(1.0, np.abs(x).max(initial=0))


@pytest.mark.parametrize("n", LENGTHS)
@pytest.mark.parametrize(("block", "hop"), [(480, 480), (1920, 480), (14400, 480), (400, 100)])
def test_block_energies_and_fused(n: int, block: int, hop: int) -> None:
    x = _signal(n)
    ref = ReferenceDsp().block_energies(x, block, hop)
    assert ref.shape == (2, block_count(n, block, hop))
    cpu = NumpyDsp()
    for out, want in (
        (cpu.block_energies(x, block, hop), ref),
        (
            cpu.filtered_block_energies(x, SOS, block, hop),
            ReferenceDsp().block_energies(ReferenceDsp().sos_filter(x, SOS), block, hop),
        ),
    ):
        assert out.shape == want.shape
        assert (out >= 0).all()
        scale = want.max(initial=0)
        assert np.all(np.abs(out - want) <= 1e-9 * want + 1e-12 * scale)


def test_fused_helper_falls_back_to_the_basic_kernels() -> None:
    x = _signal(20_000)
    plain = filtered_block_energies(ReferenceDsp(), x, SOS, 1920, 480)
    fused = filtered_block_energies(NumpyDsp(), x, SOS, 1920, 480)
    assert np.allclose(plain, fused, rtol=1e-9)


@pytest.mark.parametrize("n", LENGTHS)
def test_upsampled_peak(n: int) -> None:
    x = _signal(n, seed=n)
    taps = truepeak.taps()
    ref = ReferenceDsp().upsampled_peak(x, 4, taps)
    out = NumpyDsp().upsampled_peak(x, 4, taps)
    assert out.shape == (2,)
    assert np.allclose(out, ref, rtol=1e-9, atol=0)


def test_upsampled_peak_finds_a_peak_in_the_tail() -> None:
    """The full convolution's last outputs (after the last sample) count too."""
    x = np.zeros((1, 10))
    x[0, -1] = 1.0
    taps = truepeak.taps()
    assert NumpyDsp().upsampled_peak(x, 4, taps)[0] == pytest.approx(np.abs(taps).max())
    assert ReferenceDsp().upsampled_peak(x, 4, taps)[0] == pytest.approx(np.abs(taps).max())


@pytest.mark.parametrize("kernels", [NumpyDsp(), ReferenceDsp()], ids=["cpu", "reference"])
def test_bad_arguments(kernels: DspKernels) -> None:
    x = _signal(100)
    with pytest.raises(ValueError):
        kernels.block_energies(x, 400, 300)  # not a multiple of the hop
    with pytest.raises(ValueError):
        kernels.upsampled_peak(x, 4, np.ones(7))
    with pytest.raises(ValueError):
        kernels.sos_filter(x, np.ones((2, 5)))


# --- choosing the kernels from the hardware profile ------------------------------------


@pytest.fixture
def kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Kernel:
    """A kernel over the installed plugins, with private config/data/cache folders."""
    for name in ("CONFIG", "DATA", "CACHE"):
        monkeypatch.setenv(f"LMMS_MAGENTA_{name}_DIR", str(tmp_path / name.lower()))
    for var in ("BACKEND", "ENABLE", "DISABLE", "STRICT"):
        monkeypatch.delenv(f"LMMS_MAGENTA_{var}", raising=False)
    return Kernel(Config.load())


def test_cpu_profile_uses_the_cpu_backend_kernels(kernel: Kernel) -> None:
    choice = select_dsp(kernel, select_hardware(kernel, "cpu"))
    assert isinstance(choice.kernels, NumpyDsp)
    assert choice.fallback_reason is None and "cpu:cpu" in choice.reason


def test_backend_without_dsp_falls_back_to_the_cpu(kernel: Kernel) -> None:
    hardware = select_hardware(kernel, "openvino")
    if hardware.device is None or hardware.device.backend != "openvino":
        pytest.skip("the openvino backend is not installed here")
    choice = select_dsp(kernel, hardware)
    assert isinstance(choice.kernels, NumpyDsp)
    assert choice.fallback_reason == "backend 'openvino' provides no DSP kernels"
    assert choice.reason.endswith("using cpu:cpu (cpu:numpy)")


def test_without_any_device_the_reference_kernels_are_used(kernel: Kernel) -> None:
    empty = HardwareChoice("auto", None, (), (), "no backend found any device")
    choice = select_dsp(kernel, empty)
    assert isinstance(choice.kernels, ReferenceDsp)
    assert choice.fallback_reason == "no backend found any device"
