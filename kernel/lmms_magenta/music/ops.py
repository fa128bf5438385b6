"""Operations every feature needs on clips: quantize, transpose, slice, windows, join, merge.

All are pure functions returning new clips (also reachable as :class:`Clip` methods).
They never round silently: a grid that does not fit the clip's resolution, a pitch
pushed out of 0-127, or clips on different grids/meters raise ValueError.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from fractions import Fraction

from .clip import Clip
from .notes import Note
from .timebase import TempoChange

__all__ = ["Grid", "grid_ticks", "join", "merge", "quantize", "slice_ticks", "transpose", "windows"]

#: A note value as a fraction of a whole note: ``Fraction(1, 16)``, ``"1/16"``, ``"1/12"``
#: (sixteenth triplets are ``"1/24"``).
Grid = Fraction | int | str


def grid_ticks(grid: Grid, ppq: int) -> int:
    """Ticks per grid step: ``grid_ticks("1/16", 480) == 120``; ValueError if not whole."""
    try:
        value = Fraction(grid)
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"not a note value: {grid!r}") from None
    if value <= 0:
        raise ValueError(f"grid must be a positive note value, got {grid}")
    ticks = value * 4 * ppq
    if ticks.denominator != 1:
        raise ValueError(f"a {value} note grid is not a whole number of ticks at {ppq} ppq")
    return int(ticks)


def _round_half_up(num: int, den: int) -> int:
    """``round(num / den)`` with halves rounded up, in integers."""
    return (2 * num + den) // (2 * den)


def quantize(
    clip: Clip,
    grid: Grid = Fraction(1, 16),
    *,
    strength: float = 1.0,
    swing: float = 0.0,
    lengths: bool = False,
) -> Clip:
    """Move each onset toward the nearest grid line.

    ``strength`` 0..1 is the fraction of the distance moved (1 snaps, 0 is a no-op).
    ``swing`` 0 <= s < 0.5 delays every second grid line (the off-beats) by ``s`` grid
    steps; 1/3 gives a triplet shuffle. A note snaps to the nearest *straight* line
    first, then that line is swung, so quantizing twice at full strength is the
    same as once. With ``lengths=True`` durations snap to whole grid steps (at least
    one). A note pushed to or past the clip end grows the clip by whole bars.
    """
    g = grid_ticks(grid, clip.ppq)
    if not 0.0 <= strength <= 1.0:
        raise ValueError(f"quantize strength must be 0-1, got {strength}")
    if not 0.0 <= swing < 0.5:
        raise ValueError(f"swing must be >= 0 and < 0.5 grid steps, got {swing}")
    delay = int(swing * g)  # floor keeps 2 * delay < g, so a swung line stays nearest to itself
    notes = []
    for n in clip.notes:
        k = _round_half_up(n.start, g)
        target = k * g + (delay if k % 2 else 0)
        start = n.start + round((target - n.start) * strength)
        length = n.length
        if lengths:
            steps = max(1, _round_half_up(n.length, g))
            length = max(1, n.length + round((steps * g - n.length) * strength))
        notes.append(replace(n, start=start, length=length))
    length = clip.length
    last_start = max((n.start for n in notes), default=-1)
    if last_start >= length:
        tpb = clip.ticks_per_bar
        length = (last_start // tpb + 1) * tpb
    return replace(clip, notes=tuple(notes), length=length)


def transpose(clip: Clip, semitones: int, *, force: bool = False) -> Clip:
    """Shift every pitch by ``semitones``.

    Drum clips are returned unchanged (a drum pitch names an instrument, not a
    note) unless ``force`` is true. ValueError if a pitch would leave 0-127.
    """
    if clip.is_drum and not force:
        return clip
    notes = []
    for n in clip.notes:
        pitch = n.pitch + semitones
        if not 0 <= pitch <= 127:
            raise ValueError(
                f"transposing by {semitones} moves pitch {n.pitch} to {pitch}, outside 0-127"
            )
        notes.append(replace(n, pitch=pitch))
    return replace(clip, notes=tuple(notes))


def slice_ticks(clip: Clip, start: int, end: int) -> Clip:
    """The part of ``clip`` from ``start`` to ``end`` (clamped to the clip), as a clip
    starting at 0.

    A note belongs to the slice its onset falls in and keeps its full length. The
    slice's tempo is the one in effect at ``start``.
    """
    if start < 0 or end < start:
        raise ValueError(f"bad slice [{start}, {end})")
    end = min(end, clip.length)
    start = min(start, end)
    notes = tuple(n.shifted(-start) for n in clip.notes if start <= n.start < end)
    changes = tuple(
        TempoChange(c.tick - start, c.bpm) for c in clip.tempo_changes if start < c.tick < end
    )
    return replace(
        clip, notes=notes, length=end - start, tempo=clip.tempo_at(start), tempo_changes=changes
    )


def windows(
    clip: Clip, n_bars: int, hop_bars: int | None = None, *, keep_partial: bool = True
) -> list[Clip]:
    """Cut ``clip`` into windows of ``n_bars`` bars starting every ``hop_bars`` bars
    (default ``n_bars``: back to back). Each window is relative to its own start and
    keeps the notes whose onset falls in it.

    A last window shorter than ``n_bars`` (the clip ran out) is kept unless
    ``keep_partial`` is false. With the default hop, ``join(windows(c, n)) == c``.
    """
    hop = n_bars if hop_bars is None else hop_bars
    if n_bars < 1 or hop < 1:
        raise ValueError(f"window size and hop must be >= 1 bar, got {n_bars} and {hop}")
    tpb = clip.ticks_per_bar
    size, step = n_bars * tpb, hop * tpb
    out = []
    for start in range(0, clip.length, step):
        window = slice_ticks(clip, start, start + size)
        if window.length < size and not keep_partial:
            break
        out.append(window)
    return out


def _check_compatible(clips: Sequence[Clip], what: str) -> Clip:
    if not clips:
        raise ValueError(f"{what} needs at least one clip")
    first = clips[0]
    for c in clips[1:]:
        if c.ppq != first.ppq:
            raise ValueError(
                f"cannot {what} clips at {first.ppq} and {c.ppq} ppq; convert with with_ppq()"
            )
        if c.meter != first.meter:
            raise ValueError(f"cannot {what} clips in {first.meter} and {c.meter}")
        if c.is_drum != first.is_drum:
            raise ValueError(f"cannot {what} a drum clip with a melodic clip")
    return first


def join(clips: Sequence[Clip]) -> Clip:
    """Concatenate clips in time: each starts where the previous one's length ends.

    All must share ppq, meter and drum/melodic kind. The result takes the first
    clip's name and program; each clip's tempo becomes a tempo change where it starts.
    """
    first = _check_compatible(clips, "join")
    notes: list[Note] = []
    changes: list[TempoChange] = []
    offset = 0
    for c in clips:
        notes.extend(n.shifted(offset) for n in c.notes)
        changes.append(TempoChange(offset, c.tempo))
        changes.extend(TempoChange(t.tick + offset, t.bpm) for t in c.tempo_changes)
        offset += c.length
    return replace(first, notes=tuple(notes), length=offset, tempo_changes=tuple(changes))


def merge(clips: Sequence[Clip]) -> Clip:
    """Overlay clips: all their notes in one clip as long as the longest.

    All must share ppq, meter and drum/melodic kind. Name, tempo and program come
    from the first clip. The note multiset does not depend on the order.
    """
    first = _check_compatible(clips, "merge")
    notes = tuple(n for c in clips for n in c.notes)
    return replace(first, notes=notes, length=max(c.length for c in clips))
