"""A user's clip into the latent space, and latent points back into clips like it.

Shared by variations and interpolation: the clip is cut into 2-bar windows (a last
odd bar is padded with silence and cut again on the way out), each window is encoded
to its latent point ``mu``, and decoded points become clips at the source clip's
tempo. A melody keeps its register: the octave move that put each window into the
model's range is undone (:func:`.clips.melody_windows`); it is not snapped to a scale,
since the encoder already saw the clip's own pitches.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lmms_magenta.music import Clip

from .clips import (
    drum_clip,
    drum_windows,
    melody_clip,
    melody_notes,
    melody_windows,
    windows_for,
)
from .inference import PatternModel

__all__ = ["EncodedClip", "encode_clip", "kind_of"]


def kind_of(clip: Clip, kind: str) -> str:
    """``drums`` or ``melody`` for ``kind`` auto/drums/melody."""
    if kind != "auto":
        return kind
    return "drums" if clip.is_drum else "melody"


@dataclass
class EncodedClip:
    """A clip's windows in latent space: ``mu`` ``[windows, z_dim]``."""

    kind: str
    mu: np.ndarray
    bars: int
    tempo: float
    shifts: np.ndarray

    def to_clip(
        self,
        seqs: np.ndarray,
        name: str,
        tempo: float | None = None,
        shifts: np.ndarray | None = None,
    ) -> Clip:
        """The clip of decoded step sequences ``[windows, 32]`` (source's length/tempo;
        ``shifts`` replaces the octave moves to undo per window)."""
        bpm = tempo or self.tempo
        undo = self.shifts if shifts is None else shifts
        if self.kind == "drums":
            return drum_clip(seqs, self.bars, tempo=bpm, name=name)
        seqs = np.asarray(seqs)
        notes = []
        for k, (s, ln, p) in _window_notes(seqs, self.bars):
            notes.append((s, ln, int(np.clip(p - undo[k], 0, 127))))
        return melody_clip(notes, self.bars, tempo=bpm, name=name)


def _window_notes(seqs: np.ndarray, bars: int) -> list[tuple[int, tuple[int, int, int]]]:
    """Notes with the index of the window they start in."""
    return [(s // 32, (s, ln, p)) for s, ln, p in melody_notes(seqs, bars)]


def encode_clip(model: PatternModel, clip: Clip) -> EncodedClip:
    """Encode every 2-bar window of ``clip`` (a 4/4 clip of ``model.kind``)."""
    bars = clip.bar_count
    windows = windows_for(bars)
    if model.kind == "drums":
        enc = drum_windows(clip, windows)
        shifts = np.zeros(windows, np.int64)
    else:
        enc, shifts = melody_windows(clip, windows)
    return EncodedClip(model.kind, model.encode(enc), bars, clip.tempo, shifts)
