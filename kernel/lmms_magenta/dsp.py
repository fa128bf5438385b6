"""DSP kernels an accelerator backend can provide: biquads, block energies, true peak.

Loudness analysis (the ``gain`` feature, ITU-R BS.1770 / EBU R128) spends nearly all
its time in three array operations. They are defined here once, as the
:class:`DspKernels` protocol, so that an accelerator backend (OpenCL, Vulkan ...) can
run them and the CPU backend can provide its numpy/scipy versions. The loudness math
(K-weighting coefficients, gating, loudness range) stays in the feature and only
*calls* these kernels.

Array conventions (every kernel)
    ``x`` is a 2-D ``float64`` array ``[channels, n]`` (C-contiguous; ``channels >= 1``
    and ``n >= 0``). Callers convert before calling (:func:`as_signal`); a kernel may
    accept other dtypes but need not. Kernels never modify their inputs and return new
    ``float64`` arrays. An empty signal (``n == 0``) is valid input.

How a backend offers them
    A :class:`~lmms_magenta.hardware.Backend` may have an optional method
    ``dsp(device) -> DspKernels | None`` (see :class:`DspProvider`): the kernels that
    run on ``device``, or ``None`` when that device cannot run them exactly enough
    (e.g. a GPU without float64). :func:`select_dsp` asks the backend of the chosen
    hardware device, falls back to the ``cpu`` backend's kernels, and finally to
    :class:`ReferenceDsp` (this module), saying why.

Exactness contract (checked by each backend's tests against :class:`ReferenceDsp`)
    computed in float64; ``sos_filter`` within ``1e-9 * max(1, max|x|)`` absolute,
    ``block_energies`` within ``1e-9`` relative plus ``1e-12 * max(energies)``
    absolute, ``upsampled_peak`` within ``1e-9`` relative. That keeps loudness within
    ~1e-8 LU of the reference, far inside the 1e-5 LU this project matches
    libebur128 to.

Nothing heavy is imported at module level: numpy and scipy are imported inside the
reference implementation's methods.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from .hardware import Device, HardwareChoice
    from .kernel import Kernel

    FloatArray = np.ndarray[Any, np.dtype[np.float64]]

__all__ = [
    "DspChoice",
    "DspKernels",
    "DspProvider",
    "FusedFilterEnergies",
    "ReferenceDsp",
    "as_signal",
    "block_count",
    "filtered_block_energies",
    "select_dsp",
]

logger = logging.getLogger("lmms_magenta.dsp")


@runtime_checkable
class DspKernels(Protocol):
    """The DSP kernels loudness analysis needs (all inputs ``float64 [channels, n]``).

    ``name`` says where they run (``"reference"``, ``"cpu:numpy"``, ``"opencl:0"``).
    A backend may also offer the fused ``filtered_block_energies`` of
    :class:`FusedFilterEnergies`; callers use :func:`filtered_block_energies`.
    """

    @property
    def name(self) -> str: ...

    def sos_filter(self, x: FloatArray, sos: FloatArray) -> FloatArray:
        """Filter every channel through cascaded second-order sections.

        ``sos`` is ``float64 [sections, 6]``, each row ``b0 b1 b2 a0 a1 a2`` with
        ``a0 == 1`` (normalized). Each section computes, from a zero initial state,
        ``y[k] = b0 x[k] + b1 x[k-1] + b2 x[k-2] - a1 y[k-1] - a2 y[k-2]`` and feeds
        the next section; the output of the last section is returned, shape
        ``[channels, n]`` like ``x``. This is exactly
        ``scipy.signal.sosfilt(sos, x, axis=-1)``; any numerically sound form
        (direct form II transposed recommended) is acceptable within the tolerance
        in the module docstring.
        """
        ...

    def block_energies(self, x: FloatArray, block: int, hop: int) -> FloatArray:
        """Mean square of every complete block of ``block`` samples, one per ``hop``.

        Returns ``float64 [channels, m]`` with ``m = block_count(n, block, hop)``
        (``0`` when ``n < block``) and
        ``out[c, j] = mean(x[c, j*hop : j*hop + block] ** 2)``: only complete blocks,
        the partial last block is dropped (BS.1770 gating blocks). ``block`` must be
        a positive multiple of ``hop`` (400 ms blocks with a 100 ms hop, 3 s blocks
        with a 100 ms hop), otherwise ``ValueError``. Values are never negative.
        """
        ...

    def upsampled_peak(self, x: FloatArray, factor: int, taps: FloatArray) -> FloatArray:
        """Largest absolute value of each channel after ``factor``-times upsampling.

        ``taps`` is the interpolation (low-pass) FIR, ``float64 [len]`` with ``len`` a
        multiple of ``factor``, scaled so each of its ``factor`` phases has a DC gain
        of about 1 (the taps sum to about ``factor``). The upsampled signal is the
        full convolution of the zero-stuffed signal ``z`` (``z[i*factor] = x[i]``,
        zeros between, length ``n*factor``) with ``taps``:
        ``y[m] = sum_k taps[k] * z[m - k]`` for ``0 <= m < n*factor + len - 1``.
        Polyphase: ``y[i*factor + p] = sum_j taps[j*factor + p] * x[i - j]``.
        Returns ``float64 [channels]``: ``max |y[c]|`` (``0.0`` when ``n == 0``).
        The caller takes the maximum with the sample peak (true peak per BS.1770
        Annex 2).
        """
        ...


@runtime_checkable
class FusedFilterEnergies(Protocol):
    """Optional extra member of :class:`DspKernels`: filter and measure in one pass.

    ``filtered_block_energies(x, sos, block, hop)`` returns exactly
    ``block_energies(sos_filter(x, sos), block, hop)`` (same shapes, same tolerances)
    without materializing the filtered signal: a backend can stream the signal
    through the filter in chunks, carrying the filter state, which saves the memory
    traffic of a full-length intermediate (on the CPU it is ~3x faster on a
    3-minute file). Call it through :func:`filtered_block_energies`, which falls
    back to the two basic kernels when a backend does not offer it.
    """

    def filtered_block_energies(
        self, x: FloatArray, sos: FloatArray, block: int, hop: int
    ) -> FloatArray: ...


def filtered_block_energies(
    kernels: DspKernels, x: FloatArray, sos: FloatArray, block: int, hop: int
) -> FloatArray:
    """``block_energies(sos_filter(x, sos), block, hop)``, fused when ``kernels`` can."""
    if isinstance(kernels, FusedFilterEnergies):
        return kernels.filtered_block_energies(x, sos, block, hop)
    return kernels.block_energies(kernels.sos_filter(x, sos), block, hop)


@runtime_checkable
class DspProvider(Protocol):
    """The optional ``dsp`` member of a :class:`~lmms_magenta.hardware.Backend`."""

    def dsp(self, device: Device) -> DspKernels | None: ...


def block_count(n: int, block: int, hop: int) -> int:
    """Number of complete blocks of ``block`` samples, one every ``hop``, in ``n``."""
    if block <= 0 or hop <= 0 or block % hop:
        raise ValueError(f"block ({block}) must be a positive multiple of hop ({hop})")
    return 0 if n < block else 1 + (n - block) // hop


def as_signal(x: npt.ArrayLike) -> FloatArray:
    """``x`` as a C-contiguous ``float64 [channels, n]`` array (1-D means one channel)."""
    import numpy as np

    arr = np.ascontiguousarray(x, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr[np.newaxis, :]
    if arr.ndim != 2 or arr.shape[0] < 1:
        raise ValueError(f"a signal must be [channels, n] with channels >= 1, got {arr.shape}")
    return arr


def _scipy_signal() -> Any:
    """``scipy.signal``, imported on first use (untyped: scipy ships no stubs)."""
    import importlib

    try:
        return importlib.import_module("scipy.signal")
    except ImportError as err:  # pragma: no cover - scipy comes with the cpu backend
        raise RuntimeError(
            f"the reference DSP kernels need scipy ({err}); install it: pip install scipy"
        ) from err


class ReferenceDsp:
    """The reference implementation: short, obviously correct numpy/scipy code.

    Every backend's kernels are tested against this one. It needs scipy (for
    ``sosfilt`` and ``upfirdn``); the CPU backend depends on scipy and provides a
    faster version.
    """

    name = "reference"
    #: samples per chunk in ``upsampled_peak`` (bounds memory to a few MB per channel)
    chunk = 1 << 16

    def sos_filter(self, x: FloatArray, sos: FloatArray) -> FloatArray:
        """See :meth:`DspKernels.sos_filter` (``scipy.signal.sosfilt``)."""
        import numpy as np

        signal = _scipy_signal()
        x = as_signal(x)
        sos = np.asarray(sos, dtype=np.float64)
        if sos.ndim != 2 or sos.shape[1] != 6:
            raise ValueError(f"sos must be [sections, 6], got {sos.shape}")
        if x.shape[1] == 0:
            return x.copy()
        out: FloatArray = signal.sosfilt(sos, x, axis=-1)
        return out

    def block_energies(self, x: FloatArray, block: int, hop: int) -> FloatArray:
        """See :meth:`DspKernels.block_energies` (hop-segment sums, then block sums).

        Summing squares per ``hop`` segment first, then adding ``block // hop``
        neighbouring segment sums, keeps every block exact (no long running sum whose
        rounding error would swamp a quiet block after a loud one).
        """
        import numpy as np

        x = as_signal(x)
        channels, n = x.shape
        m = block_count(n, block, hop)
        if m == 0:
            return np.zeros((channels, 0))
        per = block // hop
        segments = m + per - 1
        seg = np.square(x[:, : segments * hop]).reshape(channels, segments, hop).sum(axis=2)
        sums = np.zeros((channels, m))
        for k in range(per):
            sums += seg[:, k : k + m]
        out: FloatArray = sums / block
        return out

    def upsampled_peak(self, x: FloatArray, factor: int, taps: FloatArray) -> FloatArray:
        """See :meth:`DspKernels.upsampled_peak` (``scipy.signal.upfirdn`` in chunks)."""
        import numpy as np

        signal = _scipy_signal()
        x = as_signal(x)
        taps = np.asarray(taps, dtype=np.float64)
        if factor < 1 or taps.ndim != 1 or len(taps) == 0 or len(taps) % factor:
            raise ValueError(f"taps (length {taps.shape}) must be a multiple of factor {factor}")
        channels, n = x.shape
        peaks = np.zeros(channels)
        history = len(taps) // factor - 1  # input samples each output looks back
        for start in range(0, n, self.chunk):
            lo = max(0, start - history)
            part = x[:, lo : start + self.chunk]
            y = signal.upfirdn(taps, part, up=factor, axis=-1)
            # outputs before `start` were produced by the previous chunk (with full history)
            skip = (start - lo) * factor
            # the last chunk keeps its tail (the full convolution's end); others stop at
            # the chunk end, the next chunk recomputes those outputs with more input
            stop = y.shape[1] if start + self.chunk >= n else (start + self.chunk - lo) * factor
            np.maximum(peaks, np.abs(y[:, skip:stop]).max(axis=1), out=peaks)
        return peaks


@dataclass(frozen=True)
class DspChoice:
    """The DSP kernels to use, where they run and why.

    ``fallback_reason`` is ``None`` when the chosen hardware device's backend
    provides the kernels itself.
    """

    kernels: DspKernels
    reason: str
    fallback_reason: str | None = None


def _offered(backend: object, device: Device) -> tuple[DspKernels | None, str | None]:
    """The backend's kernels for ``device``, or ``None`` and why not."""
    if not isinstance(backend, DspProvider):
        return None, f"backend {device.backend!r} provides no DSP kernels"
    try:
        kernels = backend.dsp(device)
    except Exception as err:  # a broken driver must not stop the analysis
        logger.warning("backend %s: dsp(%s) failed: %s", device.backend, device.key, err)
        return None, f"backend {device.backend!r} failed to provide DSP kernels ({err})"
    if kernels is None:
        return None, f"backend {device.backend!r} offers no DSP kernels on {device.key}"
    if not isinstance(kernels, DspKernels):
        return None, f"backend {device.backend!r} returned an object that is not DspKernels"
    return kernels, None


def select_dsp(kernel: Kernel, choice: HardwareChoice | None = None) -> DspChoice:
    """The DSP kernels of the hardware profile's device, falling back to the CPU's.

    Order: the chosen device's backend (``choice``, default :func:`select_hardware`),
    then the ``cpu`` backend's kernels on its first device, then :class:`ReferenceDsp`.
    Never raises for a missing or broken backend: the reason is in the result.
    """
    from .hardware import CPU_BACKEND, Backend, select_hardware
    from .hardware_probe import BACKENDS_HOOK

    if choice is None:
        choice = select_hardware(kernel)
    backends: dict[str, Backend] = {}
    for _plugin, backend in kernel.contributions(BACKENDS_HOOK):
        if isinstance(backend, Backend):
            backends.setdefault(backend.name, backend)
    problem: str | None = None
    device = choice.device
    if device is not None:
        kernels, problem = _offered(backends.get(device.backend), device)
        if kernels is not None:
            return DspChoice(kernels, f"DSP on {device.key} ({kernels.name})")
    else:
        problem = choice.reason
    cpu = next((d for d in choice.devices if d.backend == CPU_BACKEND), None)
    if cpu is not None and (device is None or device.backend != CPU_BACKEND):
        kernels, cpu_problem = _offered(backends.get(CPU_BACKEND), cpu)
        if kernels is not None:
            return DspChoice(kernels, f"{problem}; using {cpu.key} ({kernels.name})", problem)
        problem = f"{problem}; {cpu_problem}"
    logger.info("dsp: %s; using the reference implementation", problem)
    return DspChoice(ReferenceDsp(), f"{problem}; using the reference implementation", problem)
