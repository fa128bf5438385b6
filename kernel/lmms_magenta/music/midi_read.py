"""Reading Standard MIDI Files (type 0 and 1, any PPQ) into a :class:`MidiSong`.

mido parses the bytes (running status, variable-length numbers, meta events); this
module turns the event stream into notes, exactly on the file's own tick grid:

* one clip per (track, channel) that has notes; MIDI channel 10 (index 9) is drums;
* a ``note_on`` with velocity 0 ends a note like a ``note_off``;
* overlapping notes of the same pitch and channel are paired first-in first-out (an
  off ends the oldest sounding note of that pitch), which is deterministic and makes
  read -> write -> read an identity; a note whose off comes at its own onset tick
  gets one tick, and a note never ended lasts to the end of its track;
* tempo and meter events from every track form the song's tempo and meter maps;
* kept: notes, velocities, channels, tempos, meters, track names, programs. Not kept:
  controllers (e.g. the Groove kit's hi-hat pedal CC 4), pitch bend, aftertouch,
  key signatures, lyrics, markers, sysex.

Anything wrong with the file (missing, empty, not MIDI, truncated, corrupt, SMPTE
timing, type 2, no notes) raises :class:`~lmms_magenta.errors.FileFormatError` with a
one-line message naming the file; mido's own exceptions never escape.
"""

from __future__ import annotations

import io
import os
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..errors import FileFormatError
from ..safeio import read_limited
from .clip import Clip
from .notes import DRUM_CHANNEL, Note
from .song import MidiSong
from .timebase import DEFAULT_BPM, Meter, MeterChange, TempoChange

__all__ = ["MAX_MIDI_BYTES", "parse_midi", "read_midi"]

#: Larger files are refused unread. The biggest Groove file is ~60 kB and a long
#: orchestral score rarely reaches 1 MB; mido holds ~0.3 kB per event and parses
#: ~30k events/s, so 4 MiB (at most ~1.4 M events) bounds memory and time.
MAX_MIDI_BYTES = 4 * 1024 * 1024


@dataclass
class _Part:
    """Notes of one (track, channel) while reading."""

    notes: list[Note] = field(default_factory=list)
    program: int | None = None


@dataclass
class _TrackScan:
    """What one track contributes."""

    name: str = ""
    end: int = 0
    parts: dict[int, _Part] = field(default_factory=dict)
    tempos: list[tuple[int, int]] = field(default_factory=list)  # (tick, usec per quarter)
    meters: list[tuple[int, int, int]] = field(default_factory=list)  # (tick, num, den)


def read_midi(path: str | os.PathLike[str], *, allow_empty: bool = False) -> MidiSong:
    """Read a type 0 or type 1 MIDI file.

    Raises FileFormatError (naming ``path``) for a missing, unreadable, oversized,
    non-MIDI, truncated or corrupt file, and for a file without notes unless
    ``allow_empty``.
    """
    data = read_limited(path, MAX_MIDI_BYTES)
    return parse_midi(data, source=path, allow_empty=allow_empty)


def parse_midi(
    data: bytes, *, source: str | os.PathLike[str] = "<bytes>", allow_empty: bool = False
) -> MidiSong:
    """Parse the bytes of a MIDI file; ``source`` names it in error messages."""
    import mido

    if not data:
        raise FileFormatError("file is empty", path=source)
    if len(data) > MAX_MIDI_BYTES:
        raise FileFormatError(
            f"file is larger than the limit of {MAX_MIDI_BYTES} bytes", path=source
        )
    if not data.startswith(b"MThd"):
        raise FileFormatError("not a MIDI file (no MThd header)", path=source)
    try:
        mf = mido.MidiFile(file=io.BytesIO(data))
    except EOFError:
        raise FileFormatError("MIDI file is truncated", path=source) from None
    except Exception as err:  # mido raises many types on hostile bytes
        raise FileFormatError(f"corrupt MIDI file ({_one_line(err)})", path=source) from None
    if mf.type not in (0, 1):
        raise FileFormatError(f"MIDI type {mf.type} files are not supported", path=source)
    ppq = mf.ticks_per_beat
    if not 1 <= ppq <= 0x7FFF:
        raise FileFormatError(
            "MIDI file uses SMPTE (frames per second) timing, only metrical timing "
            "(ticks per quarter note) is supported"
            if ppq < 0
            else f"invalid resolution of {ppq} ticks per quarter note",
            path=source,
        )
    try:
        scans = [_scan_track(track) for track in mf.tracks]
    except Exception as err:  # malformed message values from mido
        raise FileFormatError(f"corrupt MIDI event ({_one_line(err)})", path=source) from None
    try:
        return _build_song(scans, ppq, mf.type, allow_empty)
    except _Problem as err:
        raise FileFormatError(str(err), path=source) from None
    except ValueError as err:  # backstop: content our model cannot hold
        raise FileFormatError(f"invalid MIDI content ({_one_line(err)})", path=source) from None


class _Problem(Exception):
    """A problem with the file content found while building the song."""


def _one_line(err: BaseException) -> str:
    text = " ".join(str(err).split()) or type(err).__name__
    return text[:200]


def _scan_track(track: Iterable[Any]) -> _TrackScan:
    """Pair note events (FIFO per channel and pitch) and collect meta events."""
    scan = _TrackScan()
    sounding: dict[tuple[int, int], deque[tuple[int, int]]] = {}
    tick = 0
    for msg in track:
        tick += msg.time
        kind = msg.type
        if kind == "note_on" and msg.velocity > 0:
            key = (msg.channel, msg.note)
            sounding.setdefault(key, deque()).append((tick, msg.velocity))
        elif kind in ("note_off", "note_on"):
            queue = sounding.get((msg.channel, msg.note))
            if queue:
                start, velocity = queue.popleft()
                _add_note(scan, msg.channel, msg.note, velocity, start, tick)
        elif kind == "set_tempo":
            scan.tempos.append((tick, msg.tempo))
        elif kind == "time_signature":
            scan.meters.append((tick, msg.numerator, msg.denominator))
        elif kind == "track_name" and not scan.name:
            scan.name = _decode_name(msg.name)
        elif kind == "program_change":
            part = scan.parts.setdefault(msg.channel, _Part())
            if part.program is None:
                part.program = msg.program
    scan.end = tick
    for (channel, pitch), queue in sounding.items():
        for start, velocity in queue:  # never ended: ring to the end of the track
            _add_note(scan, channel, pitch, velocity, start, tick)
    return scan


def _decode_name(raw: str) -> str:
    """mido decodes text as Latin-1 (never fails); recover UTF-8 names (ours) when valid."""
    try:
        text = raw.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        text = raw
    return text


def _add_note(
    scan: _TrackScan, channel: int, pitch: int, velocity: int, start: int, end: int
) -> None:
    part = scan.parts.setdefault(channel, _Part())
    part.notes.append(Note(pitch, velocity, start, max(1, end - start), channel))


def _tempo_map(scans: list[_TrackScan]) -> tuple[TempoChange, ...]:
    by_tick: dict[int, int] = {}
    for tick, usec in sorted((t for s in scans for t in s.tempos), key=lambda t: t[0]):
        if usec <= 0:
            raise _Problem(f"invalid tempo of {usec} microseconds per quarter note at tick {tick}")
        by_tick[tick] = usec
    usecs = [(0, by_tick.pop(0, round(60_000_000 / DEFAULT_BPM)))]
    for tick, usec in sorted(by_tick.items()):
        if usec != usecs[-1][1]:
            usecs.append((tick, usec))
    return tuple(TempoChange.from_usec(tick, usec) for tick, usec in usecs)


def _meter_map(scans: list[_TrackScan]) -> tuple[MeterChange, ...]:
    by_tick: dict[int, Meter] = {}
    for tick, num, den in sorted((m for s in scans for m in s.meters), key=lambda m: m[0]):
        try:
            by_tick[tick] = Meter(num, den)
        except ValueError:
            raise _Problem(f"invalid time signature {num}/{den} at tick {tick}") from None
    changes = [MeterChange(0, by_tick.pop(0, Meter()))]
    for tick, meter in sorted(by_tick.items()):
        if meter != changes[-1].meter:
            changes.append(MeterChange(tick, meter))
    return tuple(changes)


def _clip_name(scan: _TrackScan, index: int, channel: int, file_type: int) -> str:
    if scan.name and sum(1 for p in scan.parts.values() if p.notes) == 1:
        return scan.name
    base = scan.name or (f"Track {index}" if file_type == 1 else "")
    label = "Drums" if channel == DRUM_CHANNEL else f"Channel {channel + 1}"
    return f"{base} {label}".strip() if base else label


def _build_song(scans: list[_TrackScan], ppq: int, file_type: int, allow_empty: bool) -> MidiSong:
    tempo_map = _tempo_map(scans)
    meter_map = _meter_map(scans)
    meter = meter_map[0].meter
    try:
        tpb = meter.ticks_per_bar(ppq)
    except ValueError as err:
        raise _Problem(str(err)) from None
    # a note ended at its own onset gets one tick, which may outlast its track
    end = max(
        [s.end for s in scans] + [n.end for s in scans for p in s.parts.values() for n in p.notes],
        default=0,
    )
    length = max(1, -(-end // tpb)) * tpb
    changes = tempo_map[1:]
    clips = []
    for index, scan in enumerate(scans):
        for channel, part in sorted(scan.parts.items()):
            if not part.notes:
                continue
            clips.append(
                Clip(
                    tuple(part.notes),
                    ppq=ppq,
                    meter=meter,
                    tempo=tempo_map[0].bpm,
                    tempo_changes=changes,
                    length=length,
                    is_drum=channel == DRUM_CHANNEL,
                    name=_clip_name(scan, index, channel, file_type),
                    program=part.program,
                )
            )
    if not clips and not allow_empty:
        raise _Problem("MIDI file contains no notes")
    return MidiSong(
        clips=tuple(clips),
        ppq=ppq,
        tempo_map=tempo_map,
        meter_map=meter_map,
        length=length,
        name=scans[0].name if scans else "",
    )
