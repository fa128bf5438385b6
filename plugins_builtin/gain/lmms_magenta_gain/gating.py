"""Gating and statistics on block powers: integrated loudness (BS.1770) and LRA (Tech 3342).

Inputs are *powers*: channel-weighted mean squares ``sum_i G_i z_i`` of K-weighted
blocks (see :mod:`.measure`). Loudness of a power ``z`` is ``-0.691 + 10 log10 z``
LUFS (BS.1770 eq. 2); a power of 0 is ``-inf`` LUFS, never NaN.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

    FloatArray = np.ndarray[Any, np.dtype[np.float64]]

__all__ = [
    "ABSOLUTE_GATE",
    "LRA_HIGH",
    "LRA_LOW",
    "LRA_RELATIVE_GATE",
    "LUFS_OFFSET",
    "RELATIVE_GATE",
    "gated_power",
    "loudness",
    "loudness_range",
    "moving_mean",
    "power_of",
]

#: BS.1770: blocks at or below -70 LUFS never count
ABSOLUTE_GATE = -70.0
#: BS.1770: blocks at or below (absolute-gated loudness - 10 LU) do not count
RELATIVE_GATE = -10.0
#: EBU Tech 3342: short-term blocks below (absolute-gated loudness - 20 LU) do not count
LRA_RELATIVE_GATE = -20.0
LRA_LOW, LRA_HIGH = 10.0, 95.0
#: BS.1770 eq. (2): cancels the K-weighting gain at 997 Hz
LUFS_OFFSET = -0.691


def loudness(power: float, offset: float = LUFS_OFFSET) -> float:
    """LUFS of a channel-weighted mean square (``-inf`` for 0).

    ``offset=0`` gives plain dB of a mean square (dBFS RMS).
    """
    return offset + 10.0 * math.log10(power) if power > 0 else -math.inf


def power_of(level: float, offset: float = LUFS_OFFSET) -> float:
    """The mean square whose loudness is ``level`` (the inverse of :func:`loudness`)."""
    return float(10.0 ** ((level - offset) / 10.0))


def moving_mean(segments: FloatArray, per: int) -> FloatArray:
    """Mean of every run of ``per`` consecutive values of the last axis (step 1).

    Adds shifted slices (no running sum), so a quiet block after a loud one keeps its
    precision. Empty when there are fewer than ``per`` values.
    """
    import numpy as np

    count = segments.shape[-1] - per + 1
    if count <= 0:
        return np.zeros((*segments.shape[:-1], 0))
    out = segments[..., :count].copy()
    for k in range(1, per):
        out += segments[..., k : k + count]
    out /= per
    return out


def gated_power(
    blocks: FloatArray, relative: float = RELATIVE_GATE, offset: float = LUFS_OFFSET
) -> tuple[float, int]:
    """Mean power of the blocks that pass both gates, and how many passed.

    Absolute gate: level > -70 (LUFS, or dB with ``offset=0``); relative gate:
    level > (level of the absolute-gated mean) + ``relative``. ``(0.0, 0)`` when no
    block passes (silence, or everything below the absolute gate).
    """
    import numpy as np

    absolute = blocks[blocks > power_of(ABSOLUTE_GATE, offset)]
    if absolute.size == 0:
        return 0.0, 0
    threshold = power_of(loudness(float(np.mean(absolute)), offset) + relative, offset)
    kept = absolute[absolute > threshold]
    return float(np.mean(kept)), int(kept.size)


def loudness_range(short_term: FloatArray) -> float | None:
    """EBU Tech 3342 loudness range (LU) of short-term block powers (3 s, >= 10 Hz).

    Absolute gate -70 LUFS, relative gate -20 LU below the power mean of what the
    absolute gate kept, then the 95th minus the 10th percentile of the remaining
    loudness levels, each picked by rank ``round((n - 1) p / 100)`` (half up), as in
    the Tech 3342 reference algorithm. ``None`` when no block passes the gates.
    """
    import numpy as np

    absolute = short_term[short_term >= power_of(ABSOLUTE_GATE)]
    if absolute.size == 0:
        return None
    threshold = loudness(float(np.mean(absolute))) + LRA_RELATIVE_GATE
    levels = np.sort(LUFS_OFFSET + 10.0 * np.log10(absolute))
    levels = levels[levels >= threshold]
    n = levels.size

    def rank(percent: float) -> int:
        return math.floor((n - 1) * percent / 100.0 + 0.5)

    return float(levels[rank(LRA_HIGH)] - levels[rank(LRA_LOW)])
