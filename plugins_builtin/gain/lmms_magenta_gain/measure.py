"""Measuring one signal: loudness (BS.1770 / EBU R128), loudness range, peaks, RMS.

:class:`LoudnessMeter` runs the DSP kernels once over the signal and derives every
figure from their small outputs:

1. K-weighting and mean squares per *segment* of ~10 ms (one fused
   ``filtered_block_energies`` kernel call), plus the plain mean squares per segment;
2. momentary (400 ms) and short-term (3 s) powers at every segment, as moving means;
   the BS.1770 gating blocks (400 ms, 75 % overlap) are every 10th momentary value;
3. integrated loudness (gated), loudness range from short-term powers at 10 Hz,
   maxima of momentary and short-term loudness at 100 Hz resolution (a 400 ms burst is
   found within 5 ms of its true position, costing at most 0.05 dB);
4. true peak (4x oversampling, :mod:`.truepeak`) and sample peak.

The 100 ms hop is ``round(rate / 10)`` samples and a segment is the largest divisor of
it not above ``rate / 100`` (441 samples at 44.1 kHz, 480 at 48 kHz), so every block
edge falls on a segment edge at any sample rate.

Edge cases give defined values, never NaN (also stated in :attr:`Measurement.notes`):
``None`` means *not measurable* (the signal is shorter than the window: 400 ms for
integrated and momentary loudness, 3 s for short-term loudness and loudness range),
``-inf`` means *silent* (or, for integrated loudness, nothing above the -70 LUFS gate).
Samples that are NaN or infinite raise :class:`ValueError`.

RMS is ``10 log10(mean square)`` in dBFS, so a full-scale sine reads -3.01 dBFS (the
plain convention of DAW meters, not AES17's +3 dB). ``rms`` covers the whole signal;
``rms_active`` only the 400 ms blocks where the channel plays, gated like integrated
loudness (-70 dBFS absolute, -10 dB relative): the level while the part plays, which is
what classic gain staging sets.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import gating, kweighting, truepeak

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from lmms_magenta.dsp import DspKernels

    FloatArray = np.ndarray[Any, np.dtype[np.float64]]

__all__ = [
    "SURROUND_WEIGHT",
    "LoudnessMeter",
    "Measurement",
    "channel_weights",
    "default_kernels",
    "hop_length",
    "measure",
    "segment_length",
]

#: BS.1770 Table 3: left/right surround channels count +1.5 dB
SURROUND_WEIGHT = 1.41
_SILENT = "silent"


def channel_weights(channels: int, *, dual_mono: bool = False) -> tuple[float, ...]:
    """BS.1770 channel weights ``G_i`` for the usual WAV channel orders.

    1: mono (``dual_mono`` counts it twice, +3.01 dB, as if played on L and R);
    2: L R; 3: L R C; 4: L R Ls Rs; 5: L R C Ls Rs; 6: L R C LFE Ls Rs (LFE excluded);
    8: L R C LFE Ls Rs Lb Rb (7.1; side and back surrounds +1.5 dB). Other counts:
    every channel 1.0.
    """
    s = SURROUND_WEIGHT
    table: dict[int, tuple[float, ...]] = {
        1: (2.0 if dual_mono else 1.0,),
        2: (1.0, 1.0),
        3: (1.0, 1.0, 1.0),
        4: (1.0, 1.0, s, s),
        5: (1.0, 1.0, 1.0, s, s),
        6: (1.0, 1.0, 1.0, 0.0, s, s),
        8: (1.0, 1.0, 1.0, 0.0, s, s, s, s),
    }
    return table.get(channels, (1.0,) * channels)


def hop_length(rate: float) -> int:
    """Samples per 100 ms, rounded half up (as libebur128 does)."""
    return int(rate / 10.0 + 0.5)


def segment_length(rate: float) -> int:
    """Largest divisor of the 100 ms hop that is at most ~10 ms."""
    hop = hop_length(rate)
    limit = max(1, int(rate / 100.0 + 0.5))
    return max(d for d in range(1, limit + 1) if hop % d == 0)


def default_kernels() -> DspKernels:
    """The CPU backend's DSP kernels when installed, else the kernel's reference ones.

    Code running inside the application should use :func:`lmms_magenta.dsp.select_dsp`
    (the hardware profile's kernels) instead.
    """
    try:
        from lmms_magenta_backend_cpu.dsp import NumpyDsp
    except ImportError:
        from lmms_magenta.dsp import ReferenceDsp

        return ReferenceDsp()
    kernels: DspKernels = NumpyDsp()
    return kernels


def _db(power: float) -> float:
    return gating.loudness(power, 0.0)


@dataclass(frozen=True)
class Measurement:
    """Every figure of one signal (see the module docstring for None and -inf)."""

    rate: float
    channels: int
    frames: int
    integrated: float | None  # LUFS
    loudness_range: float | None  # LU
    momentary_max: float | None  # LUFS
    short_term_max: float | None  # LUFS
    true_peak: float | None  # dBTP, loudest channel
    sample_peak: float | None  # dBFS, loudest channel
    rms: float | None  # dBFS, whole signal
    rms_active: float | None  # dBFS, while playing
    notes: tuple[str, ...] = field(default=())

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return self.frames / self.rate

    @property
    def silent(self) -> bool:
        """Whether every sample is zero."""
        return self.sample_peak == -math.inf

    def level(self, mode: str) -> float | None:
        """The level gain staging works on: ``rms`` (active RMS, dBFS) or ``lufs``."""
        if mode == "rms":
            return self.rms_active
        if mode == "lufs":
            return self.integrated
        raise ValueError(f"unknown mode {mode!r} (rms or lufs)")

    def to_json(self) -> dict[str, Any]:
        """JSON form: not measurable and -inf are both ``null``; ``notes`` says which."""

        def num(value: float | None) -> float | None:
            if value is None or not math.isfinite(value):
                return None
            return round(value, 4)

        return {
            "rate": self.rate,
            "channels": self.channels,
            "duration_s": round(self.duration, 4),
            "integrated_lufs": num(self.integrated),
            "loudness_range_lu": num(self.loudness_range),
            "momentary_max_lufs": num(self.momentary_max),
            "short_term_max_lufs": num(self.short_term_max),
            "true_peak_dbtp": num(self.true_peak),
            "sample_peak_dbfs": num(self.sample_peak),
            "rms_dbfs": num(self.rms),
            "rms_active_dbfs": num(self.rms_active),
            "notes": list(self.notes),
        }


class LoudnessMeter:
    """BS.1770 / EBU R128 meter for signals of one sample rate and channel layout.

    ``weights`` default to :func:`channel_weights` for the signal's channel count;
    ``kernels`` to :func:`default_kernels`. Signals are ``[channels, n]`` (or 1-D mono)
    arrays of any float dtype, full scale = 1.0.
    """

    def __init__(
        self,
        rate: float,
        *,
        kernels: DspKernels | None = None,
        weights: Sequence[float] | None = None,
        dual_mono: bool = False,
    ) -> None:
        kweighting.check_rate(rate)
        self.rate = rate
        self.kernels = kernels if kernels is not None else default_kernels()
        self.weights = tuple(weights) if weights is not None else None
        self.dual_mono = dual_mono
        self.sos = kweighting.sos(rate)
        self.hop = hop_length(rate)
        self.segment = segment_length(rate)
        self.per_hop = self.hop // self.segment

    # -- helpers ------------------------------------------------------------------------
    def _signal(self, samples: npt.ArrayLike) -> FloatArray:
        from lmms_magenta.dsp import as_signal

        return as_signal(samples)

    def _weights(self, channels: int) -> FloatArray:
        import numpy as np

        weights = self.weights or channel_weights(channels, dual_mono=self.dual_mono)
        if len(weights) != channels:
            raise ValueError(f"{len(weights)} channel weights for a {channels}-channel signal")
        return np.asarray(weights, dtype=np.float64)

    def _segment_powers(self, x: FloatArray) -> FloatArray:
        """Channel-weighted K-weighted mean square of every segment, ``[segments]``."""
        from lmms_magenta.dsp import filtered_block_energies

        seg = self.segment
        energies = filtered_block_energies(self.kernels, x, self.sos, seg, seg)
        out: FloatArray = self._weights(x.shape[0]) @ energies
        if not math.isfinite(float(out.sum())):
            raise ValueError("the signal contains NaN or infinite samples")
        return out

    # -- measurements -------------------------------------------------------------------
    def integrated(self, samples: npt.ArrayLike) -> float | None:
        """Integrated (gated) loudness in LUFS: ``None`` under 400 ms, ``-inf`` if silent."""
        from lmms_magenta.dsp import filtered_block_energies

        x = self._signal(samples)
        if x.shape[1] < 4 * self.hop:
            return None
        energies = filtered_block_energies(self.kernels, x, self.sos, 4 * self.hop, self.hop)
        blocks = self._weights(x.shape[0]) @ energies
        if not math.isfinite(float(blocks.sum())):
            raise ValueError("the signal contains NaN or infinite samples")
        return gating.loudness(gating.gated_power(blocks)[0])

    def series(self, samples: npt.ArrayLike, window: float) -> FloatArray:
        """Loudness (LUFS) of every ``window``-second block, one per segment (~10 ms).

        ``window`` 0.4 gives momentary, 3.0 short-term loudness; value ``k`` covers
        samples ``[k * segment, k * segment + window)``. Silence is ``-inf``.
        """
        import numpy as np

        per = round(window * 10) * self.per_hop
        powers = gating.moving_mean(self._segment_powers(self._signal(samples)), per)
        with np.errstate(divide="ignore"):
            out: FloatArray = gating.LUFS_OFFSET + 10.0 * np.log10(powers)
        return out

    def measure(self, samples: npt.ArrayLike) -> Measurement:
        """Every figure of the signal (see :class:`Measurement`)."""
        import numpy as np

        x = self._signal(samples)
        channels, frames = x.shape
        notes: list[str] = []
        if frames == 0:
            notes.append("empty signal: nothing is measurable")
            return Measurement(self.rate, channels, 0, *(None,) * 8, notes=tuple(notes))
        powers = self._segment_powers(x)
        per = self.per_hop
        momentary = gating.moving_mean(powers, 4 * per)
        short = gating.moving_mean(powers, 30 * per)
        raw = self.kernels.block_energies(x, self.segment, self.segment)
        covered = raw.shape[1] * self.segment
        square_sum = float(raw.sum()) * self.segment + float(np.square(x[:, covered:]).sum())
        if not math.isfinite(square_sum):
            raise ValueError("the signal contains NaN or infinite samples")
        peaks = truepeak.true_peak(self.kernels, x)
        sample_peak = float(np.abs(x).max())

        integrated = momentary_max = rms_active = None
        if momentary.size:
            integrated = gating.loudness(gating.gated_power(momentary[::per])[0])
            momentary_max = gating.loudness(float(momentary.max()))
            plain = gating.moving_mean(raw.mean(axis=0), 4 * per)[::per]
            rms_active = _db(gating.gated_power(plain, offset=0.0)[0])
            if integrated == -math.inf:
                notes.append("integrated loudness is -inf: nothing above the -70 LUFS gate")
        else:
            notes.append("shorter than 400 ms: integrated and momentary loudness not measurable")
        short_max = lra = None
        if short.size:
            short_max = gating.loudness(float(short.max()))
            lra = gating.loudness_range(short[::per])
            if lra is None:
                notes.append("loudness range not measurable: no 3 s block above -70 LUFS")
        else:
            notes.append("shorter than 3 s: short-term loudness and loudness range not measurable")
        if sample_peak == 0.0:
            notes.insert(0, _SILENT)
        return Measurement(
            rate=self.rate,
            channels=channels,
            frames=frames,
            integrated=integrated,
            loudness_range=lra,
            momentary_max=momentary_max,
            short_term_max=short_max,
            true_peak=truepeak.to_db(float(peaks.max())),
            sample_peak=truepeak.to_db(sample_peak),
            rms=_db(square_sum / (channels * frames)),
            rms_active=rms_active,
            notes=tuple(notes),
        )


def measure(
    samples: npt.ArrayLike,
    rate: float,
    *,
    kernels: DspKernels | None = None,
    weights: Sequence[float] | None = None,
    dual_mono: bool = False,
) -> Measurement:
    """Measure ``samples`` (``[channels, n]``, full scale 1.0) at ``rate`` Hz."""
    meter = LoudnessMeter(rate, kernels=kernels, weights=weights, dual_mono=dual_mono)
    return meter.measure(samples)
