"""Writing clips and songs as type-1 Standard MIDI Files.

Layout: track 0 is the conductor track (song name, meter map, tempo map); then one
track per clip, named after the clip, with its program change and notes. Drum clips
play on MIDI channel 10 (index 9); melodic notes keep their own channel. Times are
written on the clip's grid unchanged (the file's PPQ is the song's), so reading the
file back gives the same ticks. Names are written in UTF-8 (the reader accepts UTF-8
and falls back to Latin-1). Each track ends at its clip's length, or later if a note
rings past it; reading gives every clip the song's length in whole bars.

At one tick, note-offs come before note-ons, and note-ons of one pitch come in order
of their ends: a reader that pairs overlapping same-pitch notes first-in first-out
(ours, and most) gets every note back exactly. A note nested *inside* another of the
same pitch and channel cannot be told apart in MIDI; it is read back with the two
ends swapped.

:func:`write_midi` saves through :func:`lmms_magenta.safeio.atomic_write` (temporary
file, fsync, atomic rename, ``<name>.bak`` of a replaced file).
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..safeio import atomic_write
from .clip import Clip
from .notes import DRUM_CHANNEL
from .song import MidiSong
from .timebase import MAX_MIDI_TEMPO

__all__ = ["midi_bytes", "write_midi"]


def write_midi(
    path: str | os.PathLike[str], song: MidiSong | Clip | Sequence[Clip], *, backup: bool = True
) -> Path | None:
    """Save a song (or clips, all starting at tick 0) as a type-1 MIDI file.

    Returns the backup made of a replaced file (``<name>.bak``) or None. ValueError
    if the content cannot be expressed in MIDI (clips on different grids, a tempo
    below ~3.6 bpm); UserError naming ``path`` if the file cannot be saved.
    """
    return atomic_write(path, midi_bytes(song), backup=backup)


def midi_bytes(song: MidiSong | Clip | Sequence[Clip]) -> bytes:
    """The bytes of the type-1 MIDI file :func:`write_midi` would save."""
    import mido

    if isinstance(song, Clip):
        song = MidiSong.from_clips([song])
    elif not isinstance(song, MidiSong):
        song = MidiSong.from_clips(list(song))
    mf = mido.MidiFile(type=1, ticks_per_beat=song.ppq, charset="utf-8")
    mf.tracks.append(_conductor_track(mido, song))
    for clip in song.clips:
        mf.tracks.append(_clip_track(mido, clip))
    out = io.BytesIO()
    mf.save(file=out)
    return out.getvalue()


def _to_delta(mido: Any, events: list[tuple[int, Any]], end: int) -> Any:
    """A mido track from (absolute tick, message) pairs already in order, ended at ``end``."""
    track = mido.MidiTrack()
    now = 0
    for tick, msg in events:
        msg.time = tick - now
        now = tick
        track.append(msg)
    track.append(mido.MetaMessage("end_of_track", time=max(end, now) - now))
    return track


def _conductor_track(mido: Any, song: MidiSong) -> Any:
    events: list[tuple[int, Any]] = []
    if song.name:
        events.append((0, mido.MetaMessage("track_name", name=song.name)))
    for change in song.meter_map:
        m = change.meter
        events.append(
            (
                change.tick,
                mido.MetaMessage(
                    "time_signature", numerator=m.numerator, denominator=m.denominator
                ),
            )
        )
    for tempo in song.tempo_map:
        usec = tempo.usec_per_quarter
        if not 1 <= usec <= MAX_MIDI_TEMPO:
            raise ValueError(f"tempo {tempo.bpm} bpm cannot be written to MIDI")
        events.append((tempo.tick, mido.MetaMessage("set_tempo", tempo=usec)))
    events.sort(key=lambda e: e[0])  # stable: meter before tempo at one tick
    return _to_delta(mido, events, song.length)


def _clip_track(mido: Any, clip: Clip) -> Any:
    events: list[tuple[int, Any]] = []
    if clip.name:
        events.append((0, mido.MetaMessage("track_name", name=clip.name)))
    channels = sorted({DRUM_CHANNEL if clip.is_drum else n.channel for n in clip.notes} or {0})
    if clip.program is not None:
        for ch in channels:
            events.append((0, mido.Message("program_change", channel=ch, program=clip.program)))
    # (tick, 0 = off / 1 = on, end, pitch, channel, velocity) orders one tick's events
    # as the module docstring says.
    keyed: list[tuple[int, int, int, int, int, int]] = []
    for n in clip.notes:
        ch = DRUM_CHANNEL if clip.is_drum else n.channel
        keyed.append((n.start, 1, n.end, n.pitch, ch, n.velocity))
        keyed.append((n.end, 0, 0, n.pitch, ch, 64))
    keyed.sort()
    track = _to_delta(mido, events, 0)
    track.pop()  # its end_of_track; the notes follow
    now = events[-1][0] if events else 0
    message = mido.Message
    for tick, is_on, _, pitch, ch, velocity in keyed:
        # Note already validated every value; mido's per-message checks would double the
        # cost of writing the 1,021 Groove files.
        track.append(
            message(
                "note_on" if is_on else "note_off",
                skip_checks=True,
                channel=ch,
                note=pitch,
                velocity=velocity,
                time=tick - now,
            )
        )
        now = tick
    track.append(mido.MetaMessage("end_of_track", time=max(clip.length, now) - now))
    return track
