"""K-weighting (ITU-R BS.1770) for any sample rate, from the analog prototypes.

BS.1770 publishes the two K-weighting biquads only for 48 kHz and asks other rates
for "the same frequency response". Both are bilinear transforms of second-order
analog prototypes, so this module recovers the prototypes *in closed form* from the
published 48 kHz coefficients and transforms them again at the wanted rate, with the
frequency warping pinned at each filter's own corner frequency:

* stage 1, the "spherical head" high shelf:
  ``H(s) = (Vh s^2 + Vb (w0/Q) s + w0^2) / (s^2 + (w0/Q) s + w0^2)``
  (unity at DC, ``Vh`` at high frequencies);
* stage 2, the RLB high-pass: ``H(s) = G s^2 / (s^2 + (w0/Q) s + w0^2)``.

With ``K = tan(pi f0 / fs)`` the bilinear transform gives, for the shelf,
``b = [Vh + Vb K/Q + K^2, 2 (K^2 - Vh), Vh - Vb K/Q + K^2] / a0`` and
``a = [1, 2 (K^2 - 1) / a0, (1 - K/Q + K^2) / a0]`` with ``a0 = 1 + K/Q + K^2``
(the high-pass: numerator ``G [1, -2, 1] / a0``). Inverting these at 48 kHz:
``K^2 = (1 + a1 + a2) / (1 - a1 + a2)``, ``a0 = 4 / (1 - a1 + a2)``,
``K/Q = (1 - a2) a0 / 2``, ``Vh = (b0 + b2) a0 / 2 - K^2``,
``Vb = (b0 - b2) a0 / (2 K/Q)`` and, for the high-pass, ``G = b0 a0``.

The recovered prototypes are f0 = 1681.97 Hz, Q = 0.7072, +4.00 dB shelf and
f0 = 38.135 Hz, Q = 0.5003 high-pass (G = 1.00499: the published stage 2 is not
normalized, so it adds 0.043 dB in the pass band; the -0.691 of BS.1770 eq. (2)
includes it). Transforming back at 48 kHz reproduces the published coefficients to
~1e-15 (tests/plugins/gain/test_kweighting.py).

Difference from libebur128: it keeps the stage-2 numerator at ``[1, -2, 1]`` at every
rate, so its pass-band gain drifts with the rate (it reads 0.004 LU higher at
44.1 kHz, 0.022 LU lower at 96 kHz, 0.21 LU higher at 8 kHz); here the gain is the
prototype's at every rate, so a 997 Hz tone reads the same loudness at any rate. At
48 kHz both agree to 1e-11 LU.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "HIGH_PASS_48K",
    "MIN_RATE",
    "SHELF_48K",
    "HighPass",
    "Shelf",
    "coefficients",
    "sos",
]

#: BS.1770-5 Table 1, stage 1 at 48 kHz: (b0, b1, b2, a1, a2), a0 = 1
SHELF_48K = (
    1.53512485958697,
    -2.69169618940638,
    1.19839281085285,
    -1.69065929318241,
    0.73248077421585,
)
#: BS.1770-5 Table 2, stage 2 at 48 kHz: (b0, b1, b2, a1, a2), a0 = 1
HIGH_PASS_48K = (1.0, -2.0, 1.0, -1.99004745483398, 0.99007225036621)
PUBLISHED_RATE = 48000.0
#: The shelf's corner (1682 Hz) must stay well below Nyquist; 8 kHz is the lowest
#: rate the bilinear transform handles with a sensible response.
MIN_RATE = 8000

Biquad = tuple[float, float, float, float, float]


def _denominator_params(a1: float, a2: float) -> tuple[float, float, float]:
    """``(K, K/Q, a0)`` of a bilinear-transformed second-order denominator."""
    k2 = (1.0 + a1 + a2) / (1.0 - a1 + a2)
    a0 = 4.0 / (1.0 - a1 + a2)
    return math.sqrt(k2), (1.0 - a2) * a0 / 2.0, a0


@dataclass(frozen=True)
class Shelf:
    """Analog high shelf: corner ``f0`` (Hz), ``q``, high gain ``vh``, mid term ``vb``."""

    f0: float
    q: float
    vh: float
    vb: float

    @classmethod
    def from_digital(cls, coeffs: Biquad, rate: float) -> Shelf:
        """The prototype whose bilinear transform at ``rate`` is ``coeffs``."""
        b0, _b1, b2, a1, a2 = coeffs
        k, k_over_q, a0 = _denominator_params(a1, a2)
        vh = (b0 + b2) * a0 / 2.0 - k * k
        vb = (b0 - b2) * a0 / (2.0 * k_over_q)
        return cls(f0=rate * math.atan(k) / math.pi, q=k / k_over_q, vh=vh, vb=vb)

    def digital(self, rate: float) -> Biquad:
        """Bilinear transform at ``rate`` (warping pinned at ``f0``)."""
        k = math.tan(math.pi * self.f0 / rate)
        kq, k2 = k / self.q, k * k
        a0 = 1.0 + kq + k2
        return (
            (self.vh + self.vb * kq + k2) / a0,
            2.0 * (k2 - self.vh) / a0,
            (self.vh - self.vb * kq + k2) / a0,
            2.0 * (k2 - 1.0) / a0,
            (1.0 - kq + k2) / a0,
        )

    @property
    def gain_db(self) -> float:
        """High-frequency gain of the shelf in dB."""
        return 20.0 * math.log10(self.vh)


@dataclass(frozen=True)
class HighPass:
    """Analog second-order high-pass: corner ``f0`` (Hz), ``q``, pass-band gain ``gain``."""

    f0: float
    q: float
    gain: float

    @classmethod
    def from_digital(cls, coeffs: Biquad, rate: float) -> HighPass:
        """The prototype whose bilinear transform at ``rate`` is ``coeffs``."""
        b0, _b1, _b2, a1, a2 = coeffs
        k, k_over_q, a0 = _denominator_params(a1, a2)
        return cls(f0=rate * math.atan(k) / math.pi, q=k / k_over_q, gain=b0 * a0)

    def digital(self, rate: float) -> Biquad:
        """Bilinear transform at ``rate`` (warping pinned at ``f0``)."""
        k = math.tan(math.pi * self.f0 / rate)
        kq, k2 = k / self.q, k * k
        a0 = 1.0 + kq + k2
        g = self.gain / a0
        return (g, -2.0 * g, g, 2.0 * (k2 - 1.0) / a0, (1.0 - kq + k2) / a0)


#: The analog prototypes behind the published 48 kHz filters.
SHELF = Shelf.from_digital(SHELF_48K, PUBLISHED_RATE)
HIGH_PASS = HighPass.from_digital(HIGH_PASS_48K, PUBLISHED_RATE)


def check_rate(rate: float) -> None:
    """ValueError unless ``rate`` is a sample rate K-weighting can be designed for."""
    if not (isinstance(rate, int | float) and math.isfinite(rate) and rate >= MIN_RATE):
        raise ValueError(
            f"sample rate {rate} Hz is too low for BS.1770 loudness (at least {MIN_RATE} Hz)"
        )


@functools.lru_cache(maxsize=32)
def coefficients(rate: float) -> tuple[Biquad, Biquad]:
    """``(stage 1, stage 2)`` biquads ``(b0, b1, b2, a1, a2)`` for ``rate`` Hz."""
    check_rate(rate)
    return SHELF.digital(rate), HIGH_PASS.digital(rate)


def sos(rate: float) -> np.ndarray[Any, np.dtype[np.float64]]:
    """K-weighting as second-order sections ``float64 [2, 6]`` (scipy's ``sos`` layout)."""
    import numpy as np

    rows = [(b0, b1, b2, 1.0, a1, a2) for b0, b1, b2, a1, a2 in coefficients(rate)]
    return np.array(rows, dtype=np.float64)
