"""Fit a generated melody to the target instrument: key, scale and range.

The melody model learnt tunes in their own keys (mostly G, D and A major for the
fiddle tunes), so a generated melody is in *some* key. To put it in the key the user
asked for:

1. **Find its key**: the duration-weighted pitch-class histogram is correlated with
   the Krumhansl-Kessler major and minor key profiles (Krumhansl 1990, the standard
   key-finding method); the best of the 24 keys wins.
2. **Match the mode**: a scale with a minor third and no major third (minor, dorian,
   phrygian, blues ...) is a minor scale, any other a major one. A melody found in the
   other mode is read as its relative key (G major = E minor), so the notes keep
   their material and only the tonic changes.
3. **Transpose** its tonic onto the requested key by the smallest move (-6..+5).
4. **Snap** every note outside the scale to the nearest scale note (a tie goes down,
   the usual resolution of a chromatic passing note).
5. **Fit the range**: move the whole melody by octaves to fit ``low..high`` (the
   smallest move that fits, else the one that leaves the fewest notes out); notes
   still outside are moved by octaves into the range, and when the range is narrower
   than an octave, to the nearest scale note inside it.

``chromatic`` snaps nothing (steps 1-3 still put the melody in the key).
Notes are ``(step, length, pitch)`` tuples (:mod:`.melody_codec`).
"""

from __future__ import annotations

import numpy as np

from .melody_codec import MelodyNote

__all__ = ["find_key", "fit_melody", "is_minor_scale", "snap_to_scale"]

_MAJOR = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
_MINOR = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])
# the 24 key profiles, rows major C..B then minor C..B, centred and scaled for a
# correlation by one matrix product
_KEYS = np.stack([np.roll(p, t) for p in (_MAJOR, _MINOR) for t in range(12)])
_KEYS = (_KEYS - _KEYS.mean(axis=1, keepdims=True)) / _KEYS.std(axis=1, keepdims=True)


def is_minor_scale(intervals: tuple[int, ...]) -> bool:
    """Whether a scale (semitones above its tonic) is a minor one."""
    return 3 in intervals and 4 not in intervals


def find_key(notes: list[MelodyNote]) -> tuple[int, bool]:
    """``(tonic pitch class, minor)`` of the best-correlated key; (0, False) if empty."""
    hist = np.zeros(12)
    for _, length, pitch in notes:
        hist[pitch % 12] += length
    if not hist.any() or np.ptp(hist) == 0:
        return 0, False
    scores = _KEYS @ ((hist - hist.mean()) / hist.std())
    best = int(np.argmax(scores))  # the first of equal scores: major before minor
    return best % 12, best >= 12


def _scale_pcs(key_pc: int, intervals: tuple[int, ...]) -> set[int]:
    return {(key_pc + i) % 12 for i in intervals}


def _nearest_in_scale(pitch: int, pcs: set[int]) -> int:
    for d in range(0, 7):
        for cand in (pitch - d, pitch + d):  # down first: a tie resolves downward
            if cand % 12 in pcs:
                return cand
    return pitch


def snap_to_scale(
    notes: list[MelodyNote], key_pc: int, intervals: tuple[int, ...]
) -> list[MelodyNote]:
    """Every pitch outside the scale moved to the nearest scale pitch."""
    pcs = _scale_pcs(key_pc, intervals)
    return [(s, ln, _nearest_in_scale(p, pcs)) for s, ln, p in notes]


def _octave_shift(pitches: list[int], low: int, high: int) -> int:
    """Whole-melody octave move: the smallest that fits, else the fewest notes out."""
    candidates = sorted(range(-8, 9), key=abs)

    def outside(k: int) -> int:
        return sum(not low <= p + 12 * k <= high for p in pitches)

    return 12 * min(candidates, key=lambda k: (outside(k), abs(k)))


def _into_range(pitch: int, low: int, high: int, pcs: set[int] | None) -> int:
    while pitch < low and pitch + 12 <= 127:
        pitch += 12
    while pitch > high and pitch - 12 >= 0:
        pitch -= 12
    if low <= pitch <= high:
        return pitch
    inside = [p for p in range(low, high + 1) if pcs is None or p % 12 in pcs]
    if not inside:
        inside = list(range(low, high + 1))
    return min(inside, key=lambda p: (abs(p - pitch), p))


def fit_melody(
    notes: list[MelodyNote],
    key_pc: int,
    intervals: tuple[int, ...],
    low: int,
    high: int,
) -> list[MelodyNote]:
    """The melody in the key ``key_pc`` / scale ``intervals`` and within ``low..high``
    (see the module docstring); ValueError if ``low > high``."""
    if low > high:
        raise ValueError(f"the lowest note {low} is above the highest {high}")
    if not notes:
        return []
    tonic, minor = find_key(notes)
    wanted_minor = is_minor_scale(intervals)
    if minor and not wanted_minor:
        tonic = (tonic + 3) % 12  # relative major
    elif wanted_minor and not minor:
        tonic = (tonic + 9) % 12  # relative minor
    shift = (key_pc - tonic) % 12
    if shift > 5:
        shift -= 12
    moved = [(s, ln, p + shift) for s, ln, p in notes]
    chromatic = len(set(intervals)) >= 12
    pcs = None if chromatic else _scale_pcs(key_pc, intervals)
    if pcs is not None:
        moved = snap_to_scale(moved, key_pc, intervals)
    octave = _octave_shift([p for _, _, p in moved], low, high)
    return [(s, ln, _into_range(p + octave, low, high, pcs)) for s, ln, p in moved]
