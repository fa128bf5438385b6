"""A PNG chart of each channel against its target (matplotlib, imported on use).

Left panel: each channel's level in the chosen mode as a horizontal bar, the target
as a dashed line (green bars are within 0.5 dB of it, blue below, red above), with
the value and the distance to the target written on the bar; after ``gain apply``,
a diamond marks the level each channel is expected to reach. Right panel: each
channel's true peak against the -1 dBTP ceiling, and the mix's.

Uses matplotlib's object API with the Agg canvas (no pyplot state, no display).
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Bar", "plot_channels"]

_UNIT = {"rms": "RMS while playing (dBFS)", "lufs": "Integrated loudness (LUFS)"}
_OK, _LOW, _HIGH, _PEAK = "#2e9d4f", "#3b6fb6", "#c8423b", "#8d6cab"


@dataclass(frozen=True)
class Bar:
    """One channel on the chart (``None`` / ``-inf`` levels are drawn as "silent")."""

    name: str
    level: float | None
    target: float | None
    true_peak: float | None
    expected: float | None = None  # after apply


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def plot_channels(
    path: str | os.PathLike[str],
    bars: Sequence[Bar],
    *,
    mode: str,
    title: str,
    ceiling: float = -1.0,
    mix_peak: float | None = None,
    mix_peak_after: float | None = None,
    tolerance: float = 0.5,
) -> None:
    """Write the chart to ``path`` (PNG)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    names = [b.name for b in bars]
    height = max(3.0, 0.55 * len(bars) + 1.8)
    fig = Figure(figsize=(12, height), dpi=110, layout="constrained")
    FigureCanvasAgg(fig)
    left, right = fig.subplots(1, 2, width_ratios=(3, 2), sharey=True)
    values = [
        v for b in bars for v in (b.level, b.target, b.expected) if v is not None and _finite(v)
    ]
    floor = 6.0 * math.floor((min(values, default=-30.0) - 6.0) / 6.0)
    top = 6.0 * math.ceil((max(values, default=0.0) + 3.0) / 6.0)
    y = list(range(len(bars)))
    for i, bar in enumerate(bars):
        if not _finite(bar.level):
            left.text(floor + 0.5, i, "silent / not measurable", va="center", color="gray")
            continue
        assert bar.level is not None
        color = _OK
        if _finite(bar.target):
            assert bar.target is not None
            if bar.level < bar.target - tolerance:
                color = _LOW
            elif bar.level > bar.target + tolerance:
                color = _HIGH
        left.barh(i, bar.level - floor, left=floor, color=color, height=0.6)
        label = f"{bar.level:.1f}"
        if _finite(bar.target):
            assert bar.target is not None
            label += f"  ({bar.level - bar.target:+.1f} dB)"
            left.plot([bar.target, bar.target], [i - 0.4, i + 0.4], "k--", lw=1.5)
        left.text(floor + 0.3, i, label, va="center", color="white", fontweight="bold")
        if _finite(bar.expected):
            left.plot([bar.expected], [i], marker="D", color="black", markersize=7)
    left.set_xlim(floor, top)
    left.set_yticks(y, names)
    left.invert_yaxis()
    left.set_xlabel(_UNIT.get(mode, mode))
    after = "; diamond: after apply" if any(_finite(b.expected) for b in bars) else ""
    left.set_title(f"Level vs target (dashed){after}")
    left.grid(axis="x", alpha=0.3)
    from matplotlib.patches import Patch

    legend = [
        Patch(color=_OK, label=f"within {tolerance:g} dB"),
        Patch(color=_LOW, label="below target"),
        Patch(color=_HIGH, label="above target"),
    ]
    left.legend(handles=legend, loc="lower right", fontsize="small", framealpha=0.9)
    peaks = [b.true_peak if _finite(b.true_peak) else None for b in bars]
    peak_floor = 6.0 * math.floor((min([p for p in peaks if p is not None] + [ceiling]) - 6) / 6)
    for i, peak in enumerate(peaks):
        if peak is None:
            continue
        color = _HIGH if peak > ceiling else _PEAK
        right.barh(i, peak - peak_floor, left=peak_floor, color=color, height=0.6)
        right.text(peak_floor + 0.3, i, f"{peak:+.1f}", va="center", color="white")
    right.axvline(ceiling, color="k", ls="--", lw=1.5)
    right.set_xlabel(f"True peak (dBTP); dashed: {ceiling:g} dBTP ceiling")
    heading = "True peak per channel"
    if mix_peak is not None and _finite(mix_peak):
        heading += f"\nmix {mix_peak:+.1f} dBTP"
        if mix_peak_after is not None and _finite(mix_peak_after):
            heading += f" now, {mix_peak_after:+.1f} dBTP after"
    right.set_title(heading)
    right.grid(axis="x", alpha=0.3)
    fig.suptitle(title)
    fig.savefig(os.fspath(path), format="png")
