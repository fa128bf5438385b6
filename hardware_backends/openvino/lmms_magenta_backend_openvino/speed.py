"""The probe micro-benchmark: how fast a device runs a model of the project's size.

A device's ``preference`` is its backend's declared figure plus a *speed bonus* from a
measured latency, so ``auto`` prefers the device that is really faster on this
machine (a slow emulated GPU loses to a fast CPU path). The bonus is one point per
halving of the latency below 1 ms, capped at 9 so that it never jumps a declared tier
of 10: ``round(log2(1000 us / latency))``, clamped to 0..9. Every lmms-magenta backend
uses the same scale, so bonuses compare across backends. The probe result, bonus
included, is cached by the kernel's probe cache, so this runs once per installation.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from pathlib import Path

#: The bundled benchmark model: 64 -> 256 -> 64 (a few hundred bytes).
PROBE_MODEL = Path(__file__).with_name("probe_mlp.onnx")
MAX_BONUS = 9


def speed_bonus(latency_us: float) -> int:
    """Preference points for a measured per-call latency (0..9)."""
    if latency_us <= 0:
        return MAX_BONUS
    return max(0, min(MAX_BONUS, round(math.log2(1000.0 / latency_us))))


def median_latency_us(call: Callable[[], object], *, calls: int = 60, warmup: int = 10) -> float:
    """Median wall time of ``call()`` in microseconds (after ``warmup`` calls)."""
    for _ in range(warmup):
        call()
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    times.sort()
    return times[len(times) // 2] * 1e6
