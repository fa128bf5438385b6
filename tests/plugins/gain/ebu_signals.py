"""EBU Tech 3341 / 3342 minimum-requirement test signals, synthesized from their tables.

Each function returns ``float64 [channels, n]`` at ``rate``. Levels are per-channel
*peak* levels of 1000 Hz sines in dBFS, applied in phase to both channels (Tech 3341
Table 1, Tech 3342 Table 1). ``channels=1`` gives the mono variant (measure it as
dual mono to get the same expected values).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

FREQ = 1000.0


def tone(seconds: float, dbfs: float | None, rate: int, channels: int = 2) -> np.ndarray:
    """A 1 kHz sine at ``dbfs`` peak (``None``: silence) on every channel."""
    n = round(seconds * rate)
    if dbfs is None:
        return np.zeros((channels, n))
    t = np.arange(n) / rate
    wave = 10.0 ** (dbfs / 20.0) * np.sin(2 * np.pi * FREQ * t)
    return np.tile(wave, (channels, 1))


def sequence(
    parts: Sequence[tuple[float, float | None]], rate: int, channels: int = 2
) -> np.ndarray:
    """Concatenated ``(seconds, dBFS or None)`` parts."""
    return np.concatenate([tone(s, db, rate, channels) for s, db in parts], axis=1)


# --- Tech 3341 -------------------------------------------------------------------------


def case_3341_1(rate: int, channels: int = 2) -> np.ndarray:
    return tone(20.0, -23.0, rate, channels)


def case_3341_2(rate: int, channels: int = 2) -> np.ndarray:
    return tone(20.0, -33.0, rate, channels)


def case_3341_3(rate: int, channels: int = 2) -> np.ndarray:
    return sequence([(10, -36.0), (60, -23.0), (10, -36.0)], rate, channels)


def case_3341_4(rate: int, channels: int = 2) -> np.ndarray:
    parts = [(10, -72.0), (10, -36.0), (60, -23.0), (10, -36.0), (10, -72.0)]
    return sequence(parts, rate, channels)


def case_3341_5(rate: int, channels: int = 2) -> np.ndarray:
    return sequence([(20, -26.0), (20.1, -20.0), (20, -26.0)], rate, channels)


def case_3341_6(rate: int) -> np.ndarray:
    """5.0: L R C Ls Rs at -28, -28, -24, -30, -30 dBFS."""
    rows = [tone(20.0, db, rate, 1)[0] for db in (-28.0, -28.0, -24.0, -30.0, -30.0)]
    return np.stack(rows)


def case_3341_9(rate: int, channels: int = 2) -> np.ndarray:
    return sequence([(1.34, -20.0), (1.66, -30.0)] * 5, rate, channels)


def case_3341_10(i: int, rate: int, channels: int = 2) -> np.ndarray:
    return sequence([(i * 0.15, None), (3.0, -23.0), (1.0, None)], rate, channels)


def case_3341_11(rate: int, channels: int = 2) -> np.ndarray:
    parts: list[tuple[float, float | None]] = []
    for i in range(20):
        parts += [(i * 0.15, None), (3.0, -38.0 + i), (3.0 - i * 0.15, None)]
    return sequence(parts, rate, channels)


def case_3341_12(rate: int, channels: int = 2) -> np.ndarray:
    return sequence([(0.18, -20.0), (0.22, -30.0)] * 25, rate, channels)


def case_3341_13(i: int, rate: int, channels: int = 2) -> np.ndarray:
    return sequence([(i * 0.02, None), (0.4, -23.0), (1.0, None)], rate, channels)


# --- Tech 3341 true peak (cases 15-23) ---------------------------------------------------


def _taper(x: np.ndarray, rate: int, seconds: float = 0.01) -> np.ndarray:
    n = round(seconds * rate)
    ramp = 0.5 - 0.5 * np.cos(np.pi * np.arange(n) / n)
    x = x.copy()
    x[..., :n] *= ramp
    x[..., -n:] *= ramp[::-1]
    return x


def true_peak_sine(divisor: int, amplitude: float, phase_deg: float, rate: int) -> np.ndarray:
    """Cases 15-19: a stereo sine at ``rate/divisor`` Hz, 1 s, 10 ms fades."""
    t = np.arange(rate) / rate
    wave = amplitude * np.sin(2 * np.pi * rate / divisor * t + np.radians(phase_deg))
    return np.tile(_taper(wave, rate), (2, 1))


def true_peak_burst(offset: int, rate: int) -> np.ndarray:
    """Cases 20-23: an fs/6 sine (0.5) holding one period of an fs/4 sine (1.0).

    Synthesized at 4*fs: the background keeps its own phase (continuous in phase on
    both sides of the burst); low-pass filtered below the original Nyquist, then taken
    every 4th sample starting at ``offset`` (0-3).
    """
    from scipy import signal

    high = 4 * rate
    n = high // 2  # 0.5 s
    t = np.arange(n) / high
    wave = 0.5 * np.sin(2 * np.pi * rate / 6 * t)
    start = n // 2 - n // 2 % 24  # a zero crossing of the background, rising
    period = 16  # one period of fs/4 at the 4*fs rate
    burst = np.arange(period) / high
    wave[start : start + period] = np.sin(2 * np.pi * rate / 4 * burst)
    lowpass = signal.firwin(511, 0.45 * rate, fs=high)
    smooth = signal.filtfilt(lowpass, [1.0], _taper(wave, high, 0.005))
    return np.tile(smooth[offset::4], (2, 1))


# --- Tech 3342 ---------------------------------------------------------------------------


def case_3342(number: int, rate: int, channels: int = 2) -> np.ndarray:
    levels = {
        1: (-20.0, -30.0),
        2: (-20.0, -15.0),
        3: (-40.0, -20.0),
        4: (-50.0, -35.0, -20.0, -35.0, -50.0),
    }[number]
    return sequence([(20.0, db) for db in levels], rate, channels)
