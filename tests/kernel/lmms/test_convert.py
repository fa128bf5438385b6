"""LMMS patterns <-> music clips: units, drums, and an exact export/import round trip."""

from __future__ import annotations

import pytest
from lmms_support import demo

from lmms_magenta.errors import ParameterError
from lmms_magenta.lmms import STEP_HIT_LENGTH, InstrumentTrack, LmmsNote, Project
from lmms_magenta.lmms.convert import (
    clip_to_notes,
    pattern_to_clip,
    track_to_clip,
    velocity_to_vol,
    vol_to_velocity,
)
from lmms_magenta.music import DRUM_CHANNEL, Clip, Note, midi_bytes, parse_midi


def test_volume_velocity_mapping() -> None:
    assert vol_to_velocity(200) == 127 and velocity_to_vol(127) == 200
    assert vol_to_velocity(100) == 64  # 63.5 rounds half up
    assert velocity_to_vol(64) == 101
    assert vol_to_velocity(0) == 1  # MIDI has no silent note-on
    # every velocity survives the trip through an LMMS volume
    assert all(vol_to_velocity(velocity_to_vol(v)) == v for v in range(1, 128))


def test_track_to_clip_places_patterns_in_song_time() -> None:
    song = Project.load(demo("Skiessi-C64.mmpz"))
    track = song.tracks[0]
    assert isinstance(track, InstrumentTrack)
    clip = track_to_clip(song, track)
    assert clip.ppq == 48 and clip.tempo == 127 and not clip.is_drum
    assert len(clip.notes) == sum(len(p.notes) for p in track.patterns)
    second = track.patterns[1]  # pos 2688, first note pos 0 len 30 key 41
    assert Note(53, 64, 2688, 30) in clip.notes
    assert clip.length % 192 == 0 and clip.length >= second.pos + 192


def test_beat_instrument_export_follows_the_beat_clips() -> None:
    song = Project.new(tempo=100)
    beat = song.add_beat_track()
    kick = song.add_beat_instrument("Kick")
    song.set_beat_notes(beat, kick, [LmmsNote(0, STEP_HIT_LENGTH, 57), LmmsNote(96, -192, 57)])
    beat.add_clip(0, 2 * 192)  # loops the 1-bar beat twice
    beat.add_clip(4 * 192)
    clip = track_to_clip(song, kick)
    assert clip.is_drum
    assert [n.start for n in clip.notes] == [0, 96, 192, 288, 768, 864]
    assert all(n.length == 12 and n.channel == DRUM_CHANNEL and n.pitch == 69 for n in clip.notes)


def test_pattern_to_clip_is_relative_to_the_pattern() -> None:
    song = Project.load(demo("CapDan-ReggaeTry.mmpz"))
    step = song.beat_pattern(song.beat_tracks[0], song.beat_instruments[0])
    assert step is not None
    clip = pattern_to_clip(song, step)
    assert clip.is_drum and clip.length == 384
    assert [n.start for n in clip.notes] == [0, 96, 168, 192, 288]


def test_clip_to_notes_rescales_and_maps_pitch() -> None:
    clip = Clip([Note(60, 127, 0, 480), Note(72, 1, 240, 120)], ppq=480)
    assert clip_to_notes(clip) == [LmmsNote(0, 48, 48, 200), LmmsNote(24, 12, 60, 2)]
    with pytest.raises(ParameterError, match="below LMMS's lowest key"):
        clip_to_notes(Clip([Note(5, 100, 0, 10)], ppq=480))


def test_clip_to_steps_uses_the_base_key_and_one_hit_per_step() -> None:
    clip = Clip(
        [Note(36, 50, 0, 10, 9), Note(38, 100, 0, 10, 9), Note(42, 80, 120, 10, 9)],
        ppq=480,
        is_drum=True,
    )
    assert clip_to_notes(clip, steps=True, base_key=60) == [
        LmmsNote(0, -192, 60, velocity_to_vol(100)),
        LmmsNote(12, -192, 60, velocity_to_vol(80)),
    ]


def test_export_import_export_is_identical() -> None:
    """A clip exported to MIDI and imported back into a project exports identically."""
    song = Project.load(demo("Greshz-CoolSnip.mmpz"))
    track = song.find_track("Default preset")
    assert isinstance(track, InstrumentTrack)
    exported = track_to_clip(song, track)
    [imported] = parse_midi(midi_bytes(exported), source="clip.mid").clips
    assert imported.notes == exported.notes
    again = song.add_instrument_track("Copy")
    again.add_pattern(0, clip_to_notes(imported))
    second = track_to_clip(song, again)
    assert second.notes == exported.notes
    assert (second.length, second.tempo, second.meter) == (
        exported.length,
        exported.tempo,
        exported.meter,
    )
