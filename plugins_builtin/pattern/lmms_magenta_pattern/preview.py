"""A PNG piano roll of generated clips (``--preview out.png``): look, don't read.

One panel per clip, stacked, sharing the time axis in bars (beats marked). Drum clips
show one row per drum class (kick at the bottom, ride at the top) with a cell per
hit; melodies show pitch rows with note names on C, over the range the clips use.
Darker cells are louder notes. Drawn with matplotlib's Agg backend (no display needed),
imported only when a preview is asked for; the image is written atomically.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from lmms_magenta.errors import UserError
from lmms_magenta.music import Clip, DrumClass, drum_class
from lmms_magenta.safeio import atomic_write
from lmms_magenta.tonal import pitch_name

__all__ = ["write_preview"]

_PANEL_HEIGHT = 1.5
_MAX_PANELS = 16
_DRUM_COLOR = "#c0392b"
_NOTE_COLOR = "#2c6fbb"


def write_preview(clips: list[Clip], path: Path, title: str = "") -> Path:
    """Draw ``clips`` into the PNG ``path`` (replaced atomically)."""
    try:
        import matplotlib
    except ImportError:
        raise UserError("a preview needs matplotlib: pip install matplotlib", path=path) from None
    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    shown = clips[:_MAX_PANELS]
    bars = max(c.bar_count for c in shown)
    fig = Figure(figsize=(max(6.0, 1.2 * bars + 1.5), 0.6 + _PANEL_HEIGHT * len(shown)), dpi=100)
    axes = fig.subplots(len(shown), 1, squeeze=False, sharex=True)[:, 0]
    for ax, clip in zip(axes, shown, strict=True):
        _draw(ax, clip, bars)
    axes[-1].set_xlabel("bar")
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    try:
        atomic_write(path, buffer.getvalue(), backup=False)
    except UserError as err:
        raise UserError(f"cannot write the preview ({err.problem})", path=path) from None
    return path


def _draw(ax: Any, clip: Clip, bars: int) -> None:
    beat = clip.ppq
    bar = clip.ticks_per_bar
    if clip.is_drum:
        rows = {int(c): int(c) for c in DrumClass}
        labels = [c.label for c in DrumClass]
    else:
        pitches = [n.pitch for n in clip.notes] or [60]
        low, high = min(pitches) - 1, max(pitches) + 1
        rows = {p: p - low for p in range(low, high + 1)}
        labels = [pitch_name(p) if p % 12 in (0, 7) else "" for p in range(low, high + 1)]
        for p in range(low, high + 1):
            if p % 12 == 0:  # a faint line on every C, as in a piano roll
                ax.axhline(rows[p], color="#dddddd", linewidth=0.6, zorder=0)
    for n in clip.notes:
        key = drum_class(n.pitch) if clip.is_drum else n.pitch
        if key is None or int(key) not in rows:
            continue
        alpha = 0.35 + 0.65 * n.velocity / 127
        width = max(n.length, clip.ppq // 4) / bar if clip.is_drum else n.length / bar
        color = _DRUM_COLOR if clip.is_drum else _NOTE_COLOR
        ax.broken_barh(
            [(n.start / bar, width * 0.92)],
            (rows[int(key)] - 0.4, 0.8),
            facecolors=color,
            alpha=alpha,
        )
    ax.set_xlim(0, bars)
    ax.set_ylim(-0.6, len(labels) - 0.4)
    ax.set_xticks(range(bars + 1))
    ax.set_xticklabels([str(b + 1) for b in range(bars + 1)], fontsize=7)
    ax.set_xticks([t / bar for t in range(0, bars * bar, beat)], minor=True)
    ax.grid(axis="x", which="major", color="#555555", linewidth=0.8)
    ax.grid(axis="x", which="minor", color="#cccccc", linewidth=0.5)
    ax.set_yticks(range(len(labels)))
    ax.set_yticklabels(labels, fontsize=6)
    ax.tick_params(axis="y", length=0)
    ax.set_title(clip.name, fontsize=8, loc="left")
