"""The arpeggiator: chords of a clip become notes played one after another.

Pure functions on the kernel's music model (:class:`lmms_magenta.music.Clip`): no
files, no kernel, so they are quick to test and reusable from other plugins. Times are
integer ticks on the clip's grid; step positions are computed from exact fractions so
triplet rates do not drift over a long chord.

How a clip is read: notes whose onsets lie within :data:`CHORD_WINDOW` of each other
form one chord (hand-played chords are rarely sample-exact); a chord lasts until its
longest note ends or the next chord starts, whichever comes first. A single note is a
chord of one (with ``octaves > 1`` it still becomes an arpeggio).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from lmms_magenta.music import Clip, Note

__all__ = ["CHORD_WINDOW", "PATTERNS", "RATES", "Chord", "arpeggiate", "find_chords", "tones"]

#: Length of one arpeggio step for each rate, in quarter notes ("t" = triplet).
RATES: dict[str, Fraction] = {
    "1/4": Fraction(1),
    "1/8": Fraction(1, 2),
    "1/8t": Fraction(1, 3),
    "1/16": Fraction(1, 4),
    "1/16t": Fraction(1, 6),
    "1/32": Fraction(1, 8),
}

#: The order in which the chord's tones are played.
PATTERNS: dict[str, str] = {
    "up": "lowest to highest, then again from the bottom",
    "down": "highest to lowest, then again from the top",
    "updown": "up and back down without repeating the top and bottom notes",
    "random": "a random tone on every step (repeatable with a seed)",
}

#: Onsets closer than this (in quarter notes, a 1/32 note) belong to one chord.
CHORD_WINDOW = Fraction(1, 8)


@dataclass(frozen=True)
class Chord:
    """Notes sounding together: from ``start`` to ``end`` (ticks), one note per pitch."""

    start: int
    end: int
    notes: tuple[Note, ...]


def find_chords(clip: Clip, window: Fraction = CHORD_WINDOW) -> list[Chord]:
    """Group the clip's notes into chords (see the module docstring), in time order.

    When two notes of a chord share a pitch, the louder one is kept.
    """
    window_ticks = int(window * clip.ppq)
    groups: list[list[Note]] = []
    for note in clip.notes:  # sorted by start, then pitch
        if groups and note.start - groups[-1][0].start <= window_ticks:
            groups[-1].append(note)
        else:
            groups.append([note])
    chords: list[Chord] = []
    for index, group in enumerate(groups):
        end = max(note.end for note in group)
        if index + 1 < len(groups):
            end = min(end, groups[index + 1][0].start)
        loudest: dict[int, Note] = {}
        for note in group:
            if note.pitch not in loudest or note.velocity > loudest[note.pitch].velocity:
                loudest[note.pitch] = note
        notes = tuple(sorted(loudest.values(), key=lambda n: n.pitch))
        chords.append(Chord(start=group[0].start, end=end, notes=notes))
    return chords


def tones(chord: Chord, octaves: int) -> list[Note]:
    """The chord's notes repeated ``octaves`` times an octave apart, lowest first.

    Each copy keeps the velocity and channel of the note it comes from; pitches above
    127 are dropped and a pitch reached twice (a chord spanning an octave) is kept once.
    """
    by_pitch: dict[int, Note] = {}
    for octave in range(octaves):
        for note in chord.notes:
            pitch = note.pitch + 12 * octave
            if pitch <= 127 and pitch not in by_pitch:
                by_pitch[pitch] = note
    return [
        Note(pitch, source.velocity, 0, 1, source.channel)
        for pitch, source in sorted(by_pitch.items())
    ]


def _cycle(ladder: Sequence[Note], pattern: str) -> list[Note]:
    """One period of a (non-random) pattern over the tones, lowest first."""
    if pattern == "up":
        return list(ladder)
    if pattern == "down":
        return list(reversed(ladder))
    if pattern == "updown":
        return list(ladder) + list(ladder[-2:0:-1])
    raise ValueError(f"unknown arpeggio pattern {pattern!r}; known: {', '.join(PATTERNS)}")


def arpeggiate(
    clip: Clip,
    *,
    rate: str = "1/16",
    pattern: str = "up",
    octaves: int = 1,
    gate: float = 0.8,
    seed: int = 0,
) -> Clip:
    """Replace every chord of a melodic ``clip`` with an arpeggio; return the new clip.

    Steps start at the chord's onset and repeat every ``RATES[rate]`` quarter notes
    while the chord lasts; each step sounds for ``gate`` (0-1] of a step, cut at the
    chord's end. Tempo, meter, length and name of the clip are kept. ValueError for a
    drum clip or arguments outside their range (the feature's schema checks user input
    before this is called).
    """
    if clip.is_drum:
        raise ValueError("a drum clip has no chords to arpeggiate")
    if rate not in RATES:
        raise ValueError(f"unknown rate {rate!r}; known: {', '.join(RATES)}")
    if pattern not in PATTERNS:
        raise ValueError(f"unknown arpeggio pattern {pattern!r}; known: {', '.join(PATTERNS)}")
    if not 1 <= octaves <= 10:
        raise ValueError(f"octaves must be 1-10, got {octaves}")
    if not 0 < gate <= 1:
        raise ValueError(f"gate must be in (0, 1], got {gate}")

    step = RATES[rate] * clip.ppq  # ticks, exact (may be fractional at a coarse ppq)
    note_length = max(1, round(step * Fraction(gate)))
    rng = random.Random(seed)
    out: list[Note] = []
    for chord in find_chords(clip):
        ladder = tones(chord, octaves)
        cycle = ladder if pattern == "random" else _cycle(ladder, pattern)
        end = min(chord.end, clip.length)  # a tail ringing past the clip end adds no steps
        index = 0
        while (onset := chord.start + round(index * step)) < end:
            tone = rng.choice(cycle) if pattern == "random" else cycle[index % len(cycle)]
            length = min(note_length, chord.end - onset)
            out.append(Note(tone.pitch, tone.velocity, onset, length, tone.channel))
            index += 1
    return clip.with_notes(out)
