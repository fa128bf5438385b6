"""MIDI files for tests, written and read with mido directly.

Independent of the kernel's music model on purpose: a test that builds its input with
:func:`write_midi_clip` and checks a feature's output with :func:`read_midi_notes`
does not trust the code under test. Positions are in beats (quarter notes), the unit a
musician reads a test in; mido is imported on first use.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path
from typing import Any, NamedTuple

__all__ = ["MidiNote", "read_midi_notes", "write_midi_clip"]


class MidiNote(NamedTuple):
    """A note in quarter-note beats, as a test writes or expects it.

    ``MidiNote(60, 0, 1)`` is middle C on the first beat, one beat long. Positions read
    back by :func:`read_midi_notes` are exact :class:`~fractions.Fraction` values.
    """

    pitch: int
    start: Fraction | int | float
    length: Fraction | int | float
    velocity: int = 100
    channel: int = 0


def _beats_to_ticks(beats: Fraction | int | float, ppq: int, what: str) -> int:
    ticks = Fraction(beats) * ppq
    if ticks.denominator != 1:
        raise ValueError(f"{what} {beats} beats is not on the {ppq} ppq grid")
    return int(ticks)


def write_midi_clip(
    path: str | os.PathLike[str],
    notes: Iterable[MidiNote | tuple[Any, ...]],
    *,
    ppq: int = 480,
    bpm: float = 120.0,
    meter: tuple[int, int] = (4, 4),
    name: str = "clip",
) -> Path:
    """Write ``notes`` as a single-track (type 0) MIDI file and return its path.

    Written with mido directly (tempo, time signature, track name, then note on/off
    events); a note-off sorts before a note-on at the same tick so repeated notes stay
    separate.
    """
    import mido

    events: list[tuple[int, int, mido.Message]] = []
    for raw in notes:
        note = MidiNote(*raw)
        start = _beats_to_ticks(note.start, ppq, "start")
        end = start + _beats_to_ticks(note.length, ppq, "length")
        if end <= start:
            raise ValueError(f"note {note} must have a positive length")
        on = mido.Message("note_on", note=note.pitch, velocity=note.velocity, channel=note.channel)
        off = mido.Message("note_off", note=note.pitch, velocity=0, channel=note.channel)
        events += [(start, 1, on), (end, 0, off)]
    events.sort(key=lambda event: (event[0], event[1]))

    track = mido.MidiTrack()
    track.append(mido.MetaMessage("track_name", name=name, time=0))
    track.append(
        mido.MetaMessage("time_signature", numerator=meter[0], denominator=meter[1], time=0)
    )
    track.append(mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(bpm), time=0))
    now = 0
    for tick, _, message in events:
        track.append(message.copy(time=tick - now))
        now = tick
    track.append(mido.MetaMessage("end_of_track", time=0))

    out = Path(path)
    midi = mido.MidiFile(type=0, ticks_per_beat=ppq)
    midi.tracks.append(track)
    midi.save(os.fspath(out))
    return out


def read_midi_notes(path: str | os.PathLike[str]) -> list[MidiNote]:
    """Read every note of a MIDI file (all tracks), sorted by start, then pitch.

    Start and length are exact beats. A note-on with velocity 0 counts as a note-off;
    overlapping notes of one pitch and channel pair first-in, first-out.
    """
    import mido

    midi = mido.MidiFile(os.fspath(path))
    ppq = midi.ticks_per_beat
    notes: list[MidiNote] = []
    for track in midi.tracks:
        now = 0
        sounding: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for message in track:
            now += message.time
            if message.type not in ("note_on", "note_off"):
                continue
            key = (message.channel, message.note)
            if message.type == "note_on" and message.velocity > 0:
                sounding.setdefault(key, []).append((now, message.velocity))
            elif sounding.get(key):
                start, velocity = sounding[key].pop(0)
                notes.append(
                    MidiNote(
                        pitch=message.note,
                        start=Fraction(start, ppq),
                        length=Fraction(now - start, ppq),
                        velocity=velocity,
                        channel=message.channel,
                    )
                )
    notes.sort(key=lambda note: (note.start, note.pitch, note.channel))
    return notes
