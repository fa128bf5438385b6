"""The kernel's music data model and MIDI I/O.

Time is exact: every position is an integer number of *ticks* at the clip's
resolution ``ppq`` (ticks per quarter note; LMMS uses 48, the Groove MIDI Dataset
480). Beats are exposed as :class:`fractions.Fraction`. Changing resolution is exact
or rounds only when asked to (``clip.with_ppq(48, rounding="nearest")``). Objects are
immutable (frozen dataclasses); operations return new objects. A programmer error
(pitch 130, a grid that does not fit the resolution ...) raises ValueError; a bad
*file* raises :class:`lmms_magenta.errors.FileFormatError` naming the file.

Public API
----------
Time (``timebase``)
    ``Meter(numerator, denominator)``      time signature; ``.ticks_per_bar(ppq)``,
                                           ``Meter.parse("6/8")``
    ``TempoChange(tick, bpm)``             tempo from ``tick`` on; ``.usec_per_quarter`` for MIDI,
                                           ``TempoChange.from_usec(tick, usec)``
    ``MeterChange(tick, meter)``           meter from ``tick`` on (MIDI songs)
    ``rescale_ticks(t, from_ppq, to_ppq, rounding="exact")``  exact/rounded grid conversion
    ``Rounding``                           ``"exact"`` (ValueError if off-grid), ``"nearest"``,
                                           ``"floor"``
    ``DEFAULT_PPQ`` (480), ``LMMS_PPQ`` (48), ``DEFAULT_BPM`` (120.0), ``MAX_MIDI_TEMPO``
Notes (``notes``)
    ``Note(pitch, velocity, start, length, channel=0)``  ticks; ``.end``, ``.start_beats(ppq)``,
                                           ``.shifted(ticks)``, ``Note.from_beats(..., ppq)``
    ``DRUM_CHANNEL`` (9 = MIDI channel 10), ``note_sort_key`` (the order of ``clip.notes``)
Clips (``clip``)
    ``Clip(notes, *, ppq, meter, tempo, length=AUTO_LENGTH, is_drum, name, tempo_changes, program)``
        ``.ticks_per_bar``, ``.length_bars`` (Fraction), ``.bar_count``, ``.end``,
        ``.beats(ticks)``, ``.ticks(beats)``, ``.tempo_at(tick)``, ``.seconds_at(tick)``,
        ``.with_notes(notes)``, ``.with_ppq(ppq, rounding)``, and the operations below as methods
        (``.quantize``, ``.transpose``, ``.slice_ticks``, ``.slice_bars``, ``.windows``,
        ``.join(*others)``, ``.merge(*others)``)
    ``AUTO_LENGTH``                        length = whole bars covering the notes
Operations (``ops``)
    ``quantize(clip, grid="1/16", *, strength=1.0, swing=0.0, lengths=False)``  snap onsets
    ``transpose(clip, semitones, *, force=False)``  drums untouched unless forced;
                                           ValueError outside 0-127
    ``slice_ticks(clip, start, end)``      notes whose onset is in [start, end), re-based to 0
    ``windows(clip, n_bars, hop_bars=None, *, keep_partial=True)``  N-bar windows
    ``join(clips)``                        concatenate in time;  ``merge(clips)``  overlay
    ``Grid``, ``grid_ticks(grid, ppq)``    note values such as ``Fraction(1, 16)`` or ``"1/16"``
Drums (``drums``)
    ``DrumClass``                          the 9 Magenta classes, KICK=0 ... RIDE=8 (``.label``)
    ``drum_class(pitch)``                  GM drum note -> DrumClass or None
    ``canonical_pitch(cls)``               36, 38, 42, 46, 43, 47, 50, 49, 51
    ``DRUM_CLASS_PITCHES``                 class -> every pitch mapped to it (canonical first)
    ``reduce_to_classes(clip, *, drop_unmapped=True)``  move drum notes to canonical pitches
Drum grid (``grid``; numpy, so not re-exported: ``from lmms_magenta.music.grid import ...``)
    ``DrumGrid(hits, velocities, offsets, dropped)``  float32 ``[steps, 9]`` arrays on the 16th grid
    ``encode_drums(clip, *, n_steps=None)``  4/4 drum clip -> grid (nearest step, loudest wins)
    ``decode_drums(hits, velocities, offsets, *, ppq, tempo, note_steps, name)``  grid -> clip
    ``grid_windows(grid, bars, *, hop_bars=1)``  whole N-bar windows ``(start_bar, DrumGrid)``
    ``nearest_step(tick, ppq)``, ``step_ticks(ppq)``, ``N_CLASSES`` (9), ``STEPS_PER_BAR`` (16)
MIDI (``song``, ``midi_read``, ``midi_write``; mido is imported on first use)
    ``MidiSong(clips, ppq, tempo_map, meter_map, length, name)``  a file's content;
        ``.drum_clips``, ``.melodic_clips``, ``.bpm``, ``.meter``, ``MidiSong.from_clips(clips)``
    ``read_midi(path, *, allow_empty=False) -> MidiSong``  type 0/1, channel 10 = drums
    ``parse_midi(data, *, source) -> MidiSong``  the same from bytes
    ``write_midi(path, song_or_clips, *, backup=True)``  type-1 file, atomic save + ``.bak``
    ``midi_bytes(song_or_clips) -> bytes``  the same, in memory
    ``MAX_MIDI_BYTES``                     size limit for reading (4 MiB)

MIDI keeps notes, velocities, channels, tempo and meter maps, track names and
programs; controllers, pitch bend, key signatures, lyrics and sysex are dropped.
Overlapping same-pitch notes pair first-in first-out, so read -> write -> read is an
identity (checked on all 1,021 Groove MIDI Dataset files).
"""

from __future__ import annotations

from .clip import AUTO_LENGTH, Clip
from .drums import DRUM_CLASS_PITCHES, DrumClass, canonical_pitch, drum_class, reduce_to_classes
from .midi_read import MAX_MIDI_BYTES, parse_midi, read_midi
from .midi_write import midi_bytes, write_midi
from .notes import DRUM_CHANNEL, Note, note_sort_key
from .ops import Grid, grid_ticks, join, merge, quantize, slice_ticks, transpose, windows
from .song import MidiSong
from .timebase import (
    DEFAULT_BPM,
    DEFAULT_PPQ,
    LMMS_PPQ,
    MAX_MIDI_TEMPO,
    Meter,
    MeterChange,
    Rounding,
    TempoChange,
    rescale_ticks,
)

__all__ = [
    "AUTO_LENGTH",
    "DEFAULT_BPM",
    "DEFAULT_PPQ",
    "DRUM_CHANNEL",
    "DRUM_CLASS_PITCHES",
    "LMMS_PPQ",
    "MAX_MIDI_BYTES",
    "MAX_MIDI_TEMPO",
    "Clip",
    "DrumClass",
    "Grid",
    "Meter",
    "MeterChange",
    "MidiSong",
    "Note",
    "Rounding",
    "TempoChange",
    "canonical_pitch",
    "drum_class",
    "grid_ticks",
    "join",
    "merge",
    "midi_bytes",
    "note_sort_key",
    "parse_midi",
    "quantize",
    "read_midi",
    "reduce_to_classes",
    "rescale_ticks",
    "slice_ticks",
    "transpose",
    "windows",
    "write_midi",
]
