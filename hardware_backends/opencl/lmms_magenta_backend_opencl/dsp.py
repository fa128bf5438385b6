"""The loudness DSP kernels (:class:`lmms_magenta.dsp.DspKernels`) in OpenCL.

Everything is computed in float64 (the exactness contract of :mod:`lmms_magenta.dsp`),
so the kernels are offered only on devices with ``cl_khr_fp64`` (PoCL's CPU device has
it; many consumer GPUs run float64 slowly or not at all - the backend then offers no
DSP and the kernel falls back to the CPU's). The kernels are in ``cl/dsp.cl``:

- ``sos_filter``: one work item per channel runs the whole cascade sample by sample
  (direct form II transposed, scipy's recurrence). A recursive filter is sequential in
  time, so this parallelizes only over channels: a 16-channel project keeps 16 work
  items busy. Cascades longer than 16 sections run in passes of 16.
- ``block_energies``: per-hop segment sums of squares (one work item per segment),
  then per-block sums of ``block // hop`` neighbouring segments - the reference's
  exact scheme, so a quiet block after a loud one keeps its precision.
- ``filtered_block_energies`` (the optional fused kernel of
  :class:`lmms_magenta.dsp.FusedFilterEnergies`): one work item per channel filters and
  sums squares per segment in one pass, never writing the filtered signal back.
- ``upsampled_peak``: polyphase interpolation over chunks of input positions, one work
  item per (channel, chunk) keeping its largest magnitude; the host takes the maximum
  of those partial peaks.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from lmms_magenta.dsp import as_signal, block_count

from .programs import Runtime

__all__ = ["OpenClDsp"]

DSP_PROGRAM = ("dsp.cl",)
MAX_SECTIONS = 16
#: input positions per work item in ``upsampled_peak``
PEAK_CHUNK = 4096

FloatArray = np.ndarray[Any, np.dtype[np.float64]]


class OpenClDsp:
    """DSP kernels on one OpenCL device (thread-safe: calls are serialized)."""

    def __init__(self, runtime: Runtime, name: str) -> None:
        import pyopencl as cl

        self.name = name
        self._cl = cl
        self._context = runtime.context
        self._queue = runtime.queue()
        self._program = runtime.program(DSP_PROGRAM)
        self._kernels: dict[str, Any] = {}
        self._lock = threading.Lock()

    # --- device helpers -----------------------------------------------------------------

    def _buffer(self, data: FloatArray | None = None, nbytes: int = 0) -> Any:
        cl = self._cl
        flags = cl.mem_flags.READ_WRITE
        if data is not None:
            data = np.ascontiguousarray(data, dtype=np.float64)
            if data.nbytes:
                return cl.Buffer(self._context, flags | cl.mem_flags.COPY_HOST_PTR, hostbuf=data)
            nbytes = 0
        return cl.Buffer(self._context, flags, max(nbytes, 8))

    def _run(self, name: str, size: int, *args: Any) -> None:
        kernel = self._kernels.get(name)
        if kernel is None:  # one kernel object per name: calls are serialized by the lock
            kernel = self._kernels[name] = self._cl.Kernel(self._program, name)
        self._cl.enqueue_nd_range_kernel(self._queue, kernel_with(kernel, args), (size,), None)

    def _read(self, buffer: Any, shape: tuple[int, ...]) -> FloatArray:
        out = np.empty(shape, dtype=np.float64)
        if out.nbytes:
            self._cl.enqueue_copy(self._queue, out, buffer, is_blocking=True)
        return out

    # --- DspKernels ---------------------------------------------------------------------

    def sos_filter(self, x: FloatArray, sos: FloatArray) -> FloatArray:
        """Cascaded biquads per channel, like ``scipy.signal.sosfilt`` (float64)."""
        x = as_signal(x)
        sos = np.ascontiguousarray(sos, dtype=np.float64)
        if sos.ndim != 2 or sos.shape[1] != 6:
            raise ValueError(f"sos must be [sections, 6], got {sos.shape}")
        channels, n = x.shape
        if n == 0 or len(sos) == 0:
            return x.copy()
        with self._lock:
            current = self._buffer(x)
            for start in range(0, len(sos), MAX_SECTIONS):
                part = sos[start : start + MAX_SECTIONS]
                out = self._buffer(nbytes=x.nbytes)
                coeffs = self._buffer(part)
                self._run("sos_filter", channels, current, out, coeffs, n, len(part))
                current = out
            return self._read(current, x.shape)

    def block_energies(self, x: FloatArray, block: int, hop: int) -> FloatArray:
        """Mean square of every complete ``block`` every ``hop`` samples (float64)."""
        x = as_signal(x)
        channels, n = x.shape
        m = block_count(n, block, hop)
        if m == 0:
            return np.zeros((channels, 0))
        per = block // hop
        segments = m + per - 1
        with self._lock:
            signal = self._buffer(x)
            seg = self._buffer(nbytes=channels * segments * 8)
            out = self._buffer(nbytes=channels * m * 8)
            self._run("segment_energy", channels * segments, signal, seg, n, hop, segments)
            self._run("block_energy", channels * m, seg, out, segments, m, per, float(block))
            return self._read(out, (channels, m))

    def filtered_block_energies(
        self, x: FloatArray, sos: FloatArray, block: int, hop: int
    ) -> FloatArray:
        """``block_energies(sos_filter(x, sos), block, hop)`` in one pass over ``x``."""
        x = as_signal(x)
        sos = np.ascontiguousarray(sos, dtype=np.float64)
        channels, n = x.shape
        m = block_count(n, block, hop)
        if sos.ndim != 2 or sos.shape[1] != 6 or len(sos) > MAX_SECTIONS or m == 0:
            return self.block_energies(self.sos_filter(x, sos), block, hop)
        per = block // hop
        segments = m + per - 1
        with self._lock:
            signal = self._buffer(x)
            coeffs = self._buffer(sos)
            seg = self._buffer(nbytes=channels * segments * 8)
            out = self._buffer(nbytes=channels * m * 8)
            self._run(
                "filtered_segment_energy", channels, signal, seg, coeffs, n, len(sos), hop, segments
            )
            self._run("block_energy", channels * m, seg, out, segments, m, per, float(block))
            return self._read(out, (channels, m))

    def upsampled_peak(self, x: FloatArray, factor: int, taps: FloatArray) -> FloatArray:
        """Largest magnitude per channel after ``factor``-times polyphase upsampling."""
        x = as_signal(x)
        taps = np.ascontiguousarray(taps, dtype=np.float64)
        if factor < 1 or taps.ndim != 1 or len(taps) == 0 or len(taps) % factor:
            raise ValueError(f"taps (length {taps.shape}) must be a multiple of factor {factor}")
        channels, n = x.shape
        if n == 0:
            return np.zeros(channels)
        per_phase = len(taps) // factor
        positions = n + per_phase - 1
        chunks = -(-positions // PEAK_CHUNK)
        with self._lock:
            signal = self._buffer(x)
            coeffs = self._buffer(taps)
            partial = self._buffer(nbytes=channels * chunks * 8)
            self._run(
                "upsampled_peak",
                channels * chunks,
                signal,
                partial,
                coeffs,
                n,
                factor,
                per_phase,
                PEAK_CHUNK,
                chunks,
            )
            peaks: FloatArray = self._read(partial, (channels, chunks)).max(axis=1)
            return peaks


def kernel_with(kernel: Any, args: tuple[Any, ...]) -> Any:
    """``kernel`` with ``args`` set (ints as int32, floats as float64: this is DSP code)."""
    converted = []
    for arg in args:
        if isinstance(arg, int):  # bool too
            arg = np.int32(arg)
        elif isinstance(arg, float):
            arg = np.float64(arg)
        converted.append(arg)
    kernel.set_args(*converted)
    return kernel
