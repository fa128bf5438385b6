"""PNG previews of the song's parts: piano rolls a musician reads at a glance.

One picture per part (``drums.png``, ``bass.png``, ``melody.png``) over the whole song:
time in bars across (a line at every bar), notes as boxes whose shade is their velocity
(a humanized beat shows its accents), pitches by name (``A3``) for bass and melody and
drums by their name (kick, snare ...). matplotlib draws them off-screen (Agg); it is
imported only here, when previews are written.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from lmms_magenta.music import drum_class
from lmms_magenta.safeio import atomic_write
from lmms_magenta.tonal import pitch_name

if TYPE_CHECKING:
    from lmms_magenta.music import Clip

__all__ = ["PREVIEW_FILES", "draw_clip", "write_previews"]

#: File name of each part's picture.
PREVIEW_FILES = {"drums": "drums.png", "bass": "bass.png", "melody": "melody.png"}
_COLORS = {"drums": "#d1495b", "bass": "#00798c", "melody": "#edae49"}


def _rows(clip: Clip) -> tuple[dict[int, int], list[str]]:
    """Row of each pitch, and the row labels (drum names, or note names low to high)."""
    pitches = sorted({n.pitch for n in clip.notes})
    if clip.is_drum:
        labels = []
        for p in pitches:
            cls = drum_class(p)
            labels.append(cls.label if cls is not None else str(p))
        return {p: i for i, p in enumerate(pitches)}, labels
    if not pitches:
        return {}, []
    low, high = pitches[0], pitches[-1]
    span = list(range(low, high + 1))
    return {p: i for i, p in enumerate(span)}, [pitch_name(p) for p in span]


def draw_clip(clip: Clip, path: Path, *, title: str, color: str = "#00798c") -> Path:
    """Draw ``clip`` as a piano roll into the PNG ``path``; returns ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows, labels = _rows(clip)
    bar = clip.ticks_per_bar
    bars = max(1, -(-clip.length // bar))
    fig, ax = plt.subplots(figsize=(min(16.0, 2.0 + 1.2 * bars), 1.2 + 0.22 * max(4, len(labels))))
    try:
        for n in clip.notes:
            ax.add_patch(
                matplotlib.patches.Rectangle(
                    (n.start / bar, rows[n.pitch] - 0.4),
                    max(n.length, bar / 32) / bar,
                    0.8,
                    facecolor=color,
                    edgecolor="black",
                    linewidth=0.3,
                    alpha=0.25 + 0.75 * n.velocity / 127,
                )
            )
        for b in range(bars + 1):
            ax.axvline(b, color="grey", linewidth=0.8 if b else 1.2, zorder=0)
        ax.set_xlim(0, bars)
        ax.set_ylim(-0.6, max(1, len(labels)) - 0.4)
        ax.set_xticks([b + 0.5 for b in range(bars)], [str(b + 1) for b in range(bars)])
        ax.tick_params(axis="x", length=0)
        ax.set_yticks(range(len(labels)), labels, fontsize=7)
        ax.set_xlabel("bar")
        ax.set_title(title, fontsize=10, loc="left")
        fig.tight_layout()
        png = io.BytesIO()
        fig.savefig(png, format="png", dpi=100)
    finally:
        plt.close(fig)
    atomic_write(path, png.getvalue(), backup=False)  # a picture is derived: no .bak
    return path


def write_previews(clips: dict[str, Clip], folder: Path, song: str) -> dict[str, Path]:
    """One picture per part into ``folder``; ``song`` goes into each title."""
    return {
        part: draw_clip(
            clip,
            folder / PREVIEW_FILES[part],
            title=f"{part.capitalize()} - {song}",
            color=_COLORS[part],
        )
        for part, clip in clips.items()
    }
