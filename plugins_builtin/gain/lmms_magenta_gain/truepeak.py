"""True peak (ITU-R BS.1770 Annex 2): the peak of the 4x oversampled signal.

The interpolation filter is the 48-tap, 4-phase FIR that BS.1770-5 Annex 2 prints as
one that "would satisfy the requirements", used as is in floating point (so the
12.04 dB attenuation step of the integer recipe is not needed). Phase ``p`` holds taps
``p, p+4, p+8 ...`` of the 48-tap prototype; each phase sums to ~1, so the filter's
DC gain at the 4x rate is ~4, as zero-stuffing requires. It is a 4x interpolator for
any input rate (its response scales with the rate), used at every rate: above 48 kHz
4x is more than BS.1770 asks for.

Worst-case under-read of 4x oversampling is 0.69 dB for a tone at half the sample rate
(BS.1770 Annex 2 Attachment); EBU Tech 3341 cases 15-23 accept +0.2/-0.4 dB and pass
(tests/plugins/gain/test_truepeak.py). The reported true peak is never below the
sample peak: the maximum of both is taken.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

    from lmms_magenta.dsp import DspKernels

__all__ = ["FACTOR", "PHASES", "taps", "to_db", "true_peak"]

FACTOR = 4
#: BS.1770-5 Annex 2: one row per phase (phase 0 .. 3), 12 taps each.
PHASES: tuple[tuple[float, ...], ...] = (
    (
        0.0017089843750,
        0.0109863281250,
        -0.0196533203125,
        0.0332031250000,
        -0.0594482421875,
        0.1373291015625,
        0.9721679687500,
        -0.1022949218750,
        0.0476074218750,
        -0.0266113281250,
        0.0148925781250,
        -0.0083007812500,
    ),
    (
        -0.0291748046875,
        0.0292968750000,
        -0.0517578125000,
        0.0891113281250,
        -0.1665039062500,
        0.4650878906250,
        0.7797851562500,
        -0.2003173828125,
        0.1015625000000,
        -0.0582275390625,
        0.0330810546875,
        -0.0189208984375,
    ),
    (
        -0.0189208984375,
        0.0330810546875,
        -0.0582275390625,
        0.1015625000000,
        -0.2003173828125,
        0.7797851562500,
        0.4650878906250,
        -0.1665039062500,
        0.0891113281250,
        -0.0517578125000,
        0.0292968750000,
        -0.0291748046875,
    ),
    (
        -0.0083007812500,
        0.0148925781250,
        -0.0266113281250,
        0.0476074218750,
        -0.1022949218750,
        0.9721679687500,
        0.1373291015625,
        -0.0594482421875,
        0.0332031250000,
        -0.0196533203125,
        0.0109863281250,
        0.0017089843750,
    ),
)


def taps() -> np.ndarray[Any, np.dtype[np.float64]]:
    """The 48-tap prototype, interleaved: ``taps[4*j + p] = PHASES[p][j]``."""
    import numpy as np

    return np.array(PHASES, dtype=np.float64).T.reshape(-1)


def to_db(value: float) -> float:
    """``20 log10(value)``; ``-inf`` for 0 (silence is a defined level, never NaN)."""
    return 20.0 * math.log10(value) if value > 0 else -math.inf


def true_peak(
    kernels: DspKernels, x: np.ndarray[Any, np.dtype[np.float64]]
) -> np.ndarray[Any, np.dtype[np.float64]]:
    """Linear true peak of each channel of ``x`` (``float64 [channels, n]``).

    ``max(sample peak, peak of the 4x interpolated signal)`` per channel; zeros for an
    empty signal.
    """
    import numpy as np

    if x.shape[1] == 0:
        return np.zeros(x.shape[0])
    interpolated = kernels.upsampled_peak(x, FACTOR, taps())
    out: np.ndarray[Any, np.dtype[np.float64]] = np.maximum(interpolated, np.abs(x).max(axis=1))
    return out
