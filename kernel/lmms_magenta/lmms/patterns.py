"""Patterns (LMMS's clips of notes) and their notes, in LMMS's own units.

LMMS time: 48 ticks per quarter note, a bar is ``192 * numerator / denominator``
ticks, a step of the Beat+Bassline editor is 12 ticks (a 16th note). A note's
``key`` is the MIDI note number minus 12 (key 57 is A 440 Hz), its ``vol`` runs
0-200 (100 = unity) and its ``pan`` -100..100. A Beat+Bassline hit is a note of
length ``-192``: it plays the instrument's own sound length.

A pattern's type and length are not free: LMMS recomputes both when it loads a
project (any note with a positive length makes a melody pattern; the length is the
notes' end rounded up to whole bars, or the step count for beat patterns). Editing
notes here updates ``type`` and ``len`` the same way, so what the file says is what
LMMS will see.
"""

from __future__ import annotations

import enum
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass

from .base import View, insert_child
from .fields import Flag
from .values import format_number

__all__ = [
    "STEP_HIT_LENGTH",
    "TICKS_PER_QUARTER",
    "TICKS_PER_STEP",
    "LmmsNote",
    "Pattern",
    "PatternKind",
    "lmms_pattern_length",
]

#: LMMS's fixed resolution.
TICKS_PER_QUARTER = 48
#: One step of the Beat+Bassline editor (a 16th note).
TICKS_PER_STEP = 12
#: The length LMMS gives a Beat+Bassline hit ("play the whole sound").
STEP_HIT_LENGTH = -192


class PatternKind(enum.IntEnum):
    """The ``type`` attribute of a ``<pattern>``."""

    BEAT = 0
    MELODY = 1


@dataclass(frozen=True, slots=True)
class LmmsNote:
    """One note as LMMS stores it (see the module docstring for the units)."""

    pos: int
    length: int
    key: int
    vol: int = 100
    pan: int = 0

    def __post_init__(self) -> None:
        if self.pos < 0:
            raise ValueError(f"note position must be >= 0 ticks, got {self.pos}")
        if not 0 <= self.vol <= 200:
            raise ValueError(f"note volume must be 0-200, got {self.vol}")
        if not -100 <= self.pan <= 100:
            raise ValueError(f"note panning must be -100..100, got {self.pan}")
        if self.length == 0:
            raise ValueError("note length must not be 0 (use a negative length for a step hit)")

    @property
    def is_step(self) -> bool:
        """True for a Beat+Bassline hit (negative length)."""
        return self.length < 0

    @property
    def midi_pitch(self) -> int:
        """The MIDI note number (``key + 12``)."""
        return self.key + 12

    def to_element(self) -> ET.Element:
        """A ``<note>`` element with the attributes in LMMS's usual order."""
        return ET.Element(
            "note",
            {
                "pos": str(self.pos),
                "len": str(self.length),
                "key": str(self.key),
                "vol": str(self.vol),
                "pan": str(self.pan),
            },
        )


def _ceil_bars(ticks: int, ticks_per_bar: int) -> int:
    return -(-ticks // ticks_per_bar) * ticks_per_bar


def lmms_pattern_length(notes: Iterable[LmmsNote], steps: int, ticks_per_bar: int) -> int:
    """The length LMMS computes for a pattern (``Pattern::updateLength`` in LMMS 1.2)."""
    notes = list(notes)
    if any(n.length > 0 for n in notes):
        end = max([ticks_per_bar] + [n.pos + n.length for n in notes if n.length > 0])
        return _ceil_bars(end, ticks_per_bar)
    steps_per_bar = max(1, ticks_per_bar // TICKS_PER_STEP)
    end = max([ticks_per_bar] + [n.pos + 1 for n in notes if n.length < 0])
    if steps != steps_per_bar:
        end = steps * ticks_per_bar // steps_per_bar
    return _ceil_bars(end, ticks_per_bar)


class Pattern(View):
    """A ``<pattern>``: a clip of notes on an instrument track.

    ``pos`` is absolute in the song (for a pattern inside the Beat+Bassline editor,
    ``pos = beat index * ticks per bar``); note positions are relative to it.
    """

    @property
    def name(self) -> str:
        return self.element.get("name", "")

    @property
    def pos(self) -> int:
        """Start tick in the song."""
        return self._int("pos", 0)

    muted = Flag("muted", "Whether the pattern is muted.", writable=False)

    @property
    def steps(self) -> int:
        """Number of Beat+Bassline steps (LMMS's default: one bar of 16ths)."""
        steps = self._int("steps", 0)
        return steps if steps > 0 else max(1, self.project.ticks_per_bar // TICKS_PER_STEP)

    @property
    def kind(self) -> PatternKind:
        """Melody if any note has a positive length, else beat (as LMMS decides)."""
        return PatternKind.MELODY if any(n.length > 0 for n in self.notes) else PatternKind.BEAT

    @property
    def length(self) -> int:
        """Length in ticks as LMMS computes it on load."""
        return lmms_pattern_length(self.notes, self.steps, self.project.ticks_per_bar)

    @property
    def notes(self) -> list[LmmsNote]:
        """The notes in file order; unreadable values raise FileFormatError."""
        return [self._read_note(el) for el in self.element.findall("note")]

    def _read_note(self, el: ET.Element) -> LmmsNote:
        # Note values are plain attributes (LMMS never automates them); whole numbers
        # take the fast path, anything else goes through the validating reader.
        def num(name: str, default: int) -> int:
            raw = el.get(name)
            if raw is None:
                return default
            try:
                return int(raw)
            except ValueError:
                return round(self._float(name, default, el))

        # LMMS 0.x wrote tone + octave instead of key
        key = num("key", 0) if "key" in el.attrib else num("tone", 0) + 12 * num("oct", 0)
        length = num("len", 0)
        return LmmsNote(
            pos=max(0, num("pos", 0)),
            length=length if length != 0 else STEP_HIT_LENGTH,
            key=key,
            vol=min(200, max(0, num("vol", 100))),
            pan=min(100, max(-100, num("pan", 0))),
        )

    def set_notes(self, notes: Iterable[LmmsNote], *, steps: int | None = None) -> None:
        """Replace the notes (other child elements are kept) and update type/len/steps.

        ``steps`` sets the Beat+Bassline step count; by default it is kept, and grown
        to whole bars when a hit lies beyond it.
        """
        notes = sorted(notes, key=lambda n: (n.pos, n.key))
        old = self.element.findall("note")
        at = list(self.element).index(old[0]) if old else len(self.element)
        for el in old:
            self.element.remove(el)
        for i, note in enumerate(notes):
            insert_child(self.element, at + i, note.to_element(), root=self.project.root)
        if steps is None:
            steps = self.steps
            last_hit = max((n.pos for n in notes if n.is_step), default=-1)
            if last_hit >= steps * TICKS_PER_STEP:
                steps_per_bar = max(1, self.project.ticks_per_bar // TICKS_PER_STEP)
                steps = -(-(last_hit + 1) // (TICKS_PER_STEP * steps_per_bar)) * steps_per_bar
        self.element.set("steps", str(steps))
        kind = PatternKind.MELODY if any(n.length > 0 for n in notes) else PatternKind.BEAT
        self.element.set("type", str(int(kind)))
        self.element.set(
            "len", format_number(lmms_pattern_length(notes, steps, self.project.ticks_per_bar))
        )

    def __repr__(self) -> str:
        return (
            f"<Pattern {self.name!r} at tick {self.pos}, {len(self.element.findall('note'))} notes>"
        )


def new_pattern_element(name: str, pos: int, steps: int) -> ET.Element:
    """An empty ``<pattern>`` element (fill it with :meth:`Pattern.set_notes`)."""
    return ET.Element(
        "pattern",
        {"pos": str(pos), "len": "0", "steps": str(steps), "type": "1", "muted": "0", "name": name},
    )
