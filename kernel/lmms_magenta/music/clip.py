"""Clips: a pattern of notes with its grid, meter, tempo and length.

A :class:`Clip` is what every feature consumes and produces: an LMMS pattern, one
MIDI track/channel, one Groove MIDI performance, a generated 2-bar drum loop. It is
immutable; every operation returns a new clip. Times are integer ticks at ``ppq``
ticks per quarter note, relative to the clip's start (where the clip sits in a song
is the song's business, not the clip's).

Invariants (checked on construction, ValueError otherwise):

* ``notes`` is sorted by :func:`~lmms_magenta.music.notes.note_sort_key`;
* every note starts inside the clip (``0 <= start < length``); a note's tail may
  ring past the end (a cymbal at the end of a loop);
* a bar is a whole number of ticks (``meter.ticks_per_bar(ppq)``);
* a melodic clip has no note on MIDI channel 10 (that channel means drums);
* ``tempo_changes`` is canonical: strictly increasing ticks inside ``(0, length)``,
  each one actually changing the tempo (so equal clips compare equal).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import TYPE_CHECKING

from .notes import DRUM_CHANNEL, Note, note_sort_key
from .timebase import DEFAULT_BPM, DEFAULT_PPQ, Meter, Rounding, TempoChange, rescale_ticks

if TYPE_CHECKING:
    from .ops import Grid

__all__ = ["AUTO_LENGTH", "Clip"]

#: Pass as ``length`` to size a clip to whole bars covering its notes (at least one bar).
AUTO_LENGTH = -1

_FOUR_FOUR = Meter(4, 4)
_MAX_PPQ = 0x7FFF  # MIDI's 15-bit metrical time division


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


@dataclass(frozen=True, slots=True, init=False)
class Clip:
    """A pattern of notes; see the module docstring for the invariants.

    ``Clip(notes, ppq=480, meter=Meter(4, 4), tempo=120.0, length=AUTO_LENGTH,
    is_drum=False, name="", tempo_changes=(), program=None)``; ``notes`` and
    ``tempo_changes`` may be any iterables (they are stored as canonical tuples).
    ``program`` is the General MIDI program (0-127) when known.
    """

    notes: tuple[Note, ...]
    ppq: int
    meter: Meter
    tempo: float
    length: int
    is_drum: bool
    name: str
    tempo_changes: tuple[TempoChange, ...]
    program: int | None

    # Hand-written so ``notes`` can be any iterable while the field stays a tuple;
    # dataclasses.replace() calls it with every field as a keyword.
    def __init__(
        self,
        notes: Iterable[Note] = (),
        *,
        ppq: int = DEFAULT_PPQ,
        meter: Meter = _FOUR_FOUR,
        tempo: float = DEFAULT_BPM,
        length: int = AUTO_LENGTH,
        is_drum: bool = False,
        name: str = "",
        tempo_changes: Iterable[TempoChange] = (),
        program: int | None = None,
    ) -> None:
        setattr_ = object.__setattr__
        setattr_(self, "notes", tuple(notes))
        setattr_(self, "ppq", ppq)
        setattr_(self, "meter", meter)
        setattr_(self, "tempo", tempo)
        setattr_(self, "length", length)
        setattr_(self, "is_drum", is_drum)
        setattr_(self, "name", name)
        setattr_(self, "tempo_changes", tuple(tempo_changes))
        setattr_(self, "program", program)
        self._validate()

    def _validate(self) -> None:
        if not 1 <= self.ppq <= _MAX_PPQ:
            raise ValueError(f"ppq must be 1-{_MAX_PPQ}, got {self.ppq}")
        tpb = self.meter.ticks_per_bar(self.ppq)
        if not (math.isfinite(self.tempo) and self.tempo > 0):
            raise ValueError(f"tempo must be a positive number of bpm, got {self.tempo}")
        if self.program is not None and not 0 <= self.program <= 127:
            raise ValueError(f"program must be 0-127 or None, got {self.program}")
        notes = tuple(self.notes)
        for note in notes:
            if not isinstance(note, Note):
                raise ValueError(f"clip notes must be Note objects, got {note!r}")
        notes = tuple(sorted(notes, key=note_sort_key))
        object.__setattr__(self, "notes", notes)
        length = self.length
        if length == AUTO_LENGTH:
            end = max((n.end for n in notes), default=1)
            length = max(1, _ceil_div(end, tpb)) * tpb
            object.__setattr__(self, "length", length)
        elif length < 0:
            raise ValueError(f"clip length must be >= 0 ticks or AUTO_LENGTH, got {length}")
        if notes and notes[-1].start >= length:
            raise ValueError(f"note at tick {notes[-1].start} starts after the clip end {length}")
        if not self.is_drum and any(n.channel == DRUM_CHANNEL for n in notes):
            raise ValueError("a melodic clip cannot hold notes on MIDI channel 10 (drums)")
        tempo, changes = _canonical_tempo(self.tempo, self.tempo_changes, length)
        object.__setattr__(self, "tempo", tempo)
        object.__setattr__(self, "tempo_changes", changes)

    # --- measures ---------------------------------------------------------------------

    @property
    def ticks_per_bar(self) -> int:
        """Length of one bar in ticks (1920 for 4/4 at 480 ppq)."""
        return self.meter.ticks_per_bar(self.ppq)

    @property
    def length_bars(self) -> Fraction:
        """Clip length in bars, exact (may be fractional)."""
        return Fraction(self.length, self.ticks_per_bar)

    @property
    def bar_count(self) -> int:
        """Number of bars the clip touches (``length_bars`` rounded up)."""
        return _ceil_div(self.length, self.ticks_per_bar)

    @property
    def end(self) -> int:
        """Tick after the last note's end (0 without notes); may exceed ``length``."""
        return max((n.end for n in self.notes), default=0)

    def beats(self, ticks: int) -> Fraction:
        """Convert ticks of this clip's grid to quarter notes."""
        return Fraction(ticks, self.ppq)

    def ticks(self, beats: Fraction | int) -> int:
        """Convert quarter notes to ticks of this clip's grid; ValueError if off the grid."""
        t = Fraction(beats) * self.ppq
        if t.denominator != 1:
            raise ValueError(f"{beats} beats is not on the {self.ppq} ppq grid")
        return int(t)

    def tempo_at(self, tick: int) -> float:
        """Tempo (bpm) in effect at ``tick``."""
        bpm = self.tempo
        for change in self.tempo_changes:
            if change.tick > tick:
                break
            bpm = change.bpm
        return bpm

    def seconds_at(self, tick: int) -> float:
        """Time in seconds from the clip start to ``tick``, following tempo changes."""
        seconds, last_tick, bpm = 0.0, 0, self.tempo
        for change in self.tempo_changes:
            if change.tick >= tick:
                break
            seconds += (change.tick - last_tick) * 60.0 / (bpm * self.ppq)
            last_tick, bpm = change.tick, change.bpm
        return seconds + (tick - last_tick) * 60.0 / (bpm * self.ppq)

    # --- derived clips ----------------------------------------------------------------

    def with_notes(self, notes: Iterable[Note]) -> Clip:
        """The same clip holding ``notes`` instead (length and everything else kept)."""
        return replace(self, notes=tuple(notes))

    def with_ppq(self, ppq: int, rounding: Rounding = "exact") -> Clip:
        """The clip on another grid (e.g. ``with_ppq(48)`` for LMMS).

        ``rounding="exact"`` raises ValueError if any time falls between ticks of the
        new grid; ``"nearest"``/``"floor"`` round note starts and ends (a note keeps
        at least one tick) and tempo changes; the length is rounded up so every note
        still starts inside the clip.
        """
        if ppq == self.ppq:
            return self

        def conv(t: int) -> int:
            return rescale_ticks(t, self.ppq, ppq, rounding)

        notes = []
        for n in self.notes:
            start = conv(n.start)
            notes.append(replace(n, start=start, length=max(1, conv(n.end) - start)))
        if rounding == "exact":
            length = conv(self.length)
        else:
            length = _ceil_div(self.length * ppq, self.ppq)
            length = max(length, max((n.start + 1 for n in notes), default=0))
        changes = tuple(TempoChange(conv(c.tick), c.bpm) for c in self.tempo_changes)
        return replace(self, notes=tuple(notes), ppq=ppq, length=length, tempo_changes=changes)

    def quantize(
        self,
        grid: Grid = Fraction(1, 16),
        *,
        strength: float = 1.0,
        swing: float = 0.0,
        lengths: bool = False,
    ) -> Clip:
        """Snap onsets to a grid; see :func:`lmms_magenta.music.ops.quantize`."""
        from .ops import quantize

        return quantize(self, grid, strength=strength, swing=swing, lengths=lengths)

    def transpose(self, semitones: int, *, force: bool = False) -> Clip:
        """Shift pitches; see :func:`lmms_magenta.music.ops.transpose`."""
        from .ops import transpose

        return transpose(self, semitones, force=force)

    def slice_ticks(self, start: int, end: int) -> Clip:
        """Notes with onsets in ``[start, end)``; see :func:`lmms_magenta.music.ops.slice_ticks`."""
        from .ops import slice_ticks

        return slice_ticks(self, start, end)

    def slice_bars(self, start_bar: int, end_bar: int) -> Clip:
        """Bars ``[start_bar, end_bar)`` (0-based) as a new clip."""
        tpb = self.ticks_per_bar
        return self.slice_ticks(start_bar * tpb, end_bar * tpb)

    def windows(
        self, n_bars: int, hop_bars: int | None = None, *, keep_partial: bool = True
    ) -> list[Clip]:
        """Cut into ``n_bars`` windows; see :func:`lmms_magenta.music.ops.windows`."""
        from .ops import windows

        return windows(self, n_bars, hop_bars, keep_partial=keep_partial)

    def join(self, *others: Clip) -> Clip:
        """This clip followed by ``others`` in time; see :func:`lmms_magenta.music.ops.join`."""
        from .ops import join

        return join([self, *others])

    def merge(self, *others: Clip) -> Clip:
        """Overlay ``others`` on this clip; see :func:`lmms_magenta.music.ops.merge`."""
        from .ops import merge

        return merge([self, *others])


def _canonical_tempo(
    tempo: float, changes: Sequence[TempoChange], length: int
) -> tuple[float, tuple[TempoChange, ...]]:
    """Sort tempo changes, let a change at tick 0 set the tempo, drop no-op changes
    and changes at or after the clip end (later changes at one tick win)."""
    for change in changes:
        if not isinstance(change, TempoChange):
            raise ValueError(f"tempo_changes must hold TempoChange objects, got {change!r}")
    by_tick: dict[int, float] = {}
    for change in sorted(changes, key=lambda c: c.tick):
        by_tick[change.tick] = change.bpm
    tempo = by_tick.pop(0, tempo)
    out: list[TempoChange] = []
    current = tempo
    for tick, bpm in by_tick.items():
        if tick < length and bpm != current:
            out.append(TempoChange(tick, bpm))
            current = bpm
    return tempo, tuple(out)
