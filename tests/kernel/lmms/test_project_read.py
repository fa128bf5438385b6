"""Reading LMMS projects: song settings, tracks, patterns, Beat+Bassline, mixer.

Expected values were read off the demo files' XML by hand (zcat-style inflation,
then grep), not computed with the code under test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lmms_support import DEMO_FILES, demo

from lmms_magenta.lmms import (
    AutomationTrack,
    BeatTrack,
    InstrumentTrack,
    PatternKind,
    Project,
    SampleTrack,
)
from lmms_magenta.lmms.summary import summarize


def test_song_settings_from_attributes() -> None:
    song = Project.load(demo("CapDan-ReggaeTry.mmpz"))
    assert song.tempo == 180
    assert song.meter == (4, 4)
    assert song.ticks_per_bar == 192
    assert song.master_volume == 100
    assert song.compressed


def test_automated_values_are_read_from_their_child_elements() -> None:
    # <head ...><mastervol value="99" id="1199479" scale_type="linear"/></head>
    assert Project.load(demo("Alf42red-Mauiwowi.mmpz")).master_volume == 99
    # <instrumenttrack ...><vol scale_type="linear" id="6272167" value="8.9"/>
    song = Project.load(demo("Socceroos-Progress.mmpz"))
    twinkle = song.find_track("twinkle")
    assert isinstance(twinkle, InstrumentTrack)
    assert twinkle.volume == pytest.approx(8.9)
    assert twinkle.pan == 30


def test_meter_other_than_4_4() -> None:
    song = Project.load(demo("Oglsdl-PpTrip.mmpz"))
    assert song.meter == (8, 4)
    assert song.ticks_per_bar == 384
    kinds = {t.kind for t in song.tracks}
    assert kinds == {"instrument", "beat/bassline", "sample", "automation"}
    drum = song.beat_instruments[0]
    assert [song.beat_pattern(b, drum).pos for b in song.beat_tracks] == [0, 384, 768, 1152]  # type: ignore[union-attr]


def test_tracks_and_patterns() -> None:
    song = Project.load(demo("Skiessi-C64.mmpz"))
    tracks = song.tracks
    assert len(tracks) == 9
    first = tracks[0]
    assert isinstance(first, InstrumentTrack)
    assert first.instrument == "sid"
    assert first.volume == 130
    assert first.mixer_channel == 0
    pattern = first.patterns[0]
    assert (pattern.pos, pattern.steps, pattern.kind) == (0, 16, PatternKind.MELODY)
    assert pattern.length == 192
    notes = pattern.notes
    assert [(n.pos, n.length, n.key, n.vol) for n in notes[:3]] == [
        (0, 30, 45, 100),
        (36, 6, 45, 100),
        (48, 6, 57, 100),
    ]
    assert notes[0].midi_pitch == 57


def test_beat_bassline_structure() -> None:
    song = Project.load(demo("CapDan-ReggaeTry.mmpz"))
    beats = song.beat_tracks
    assert [b.name for b in beats] == ["Drum I", "Drum (I)", "Drum II", "Drum (II)", "Drum III"]
    assert [b.index for b in beats] == [0, 1, 2, 3, 4]
    assert [(c.pos, c.length) for c in beats[0].clips][:2] == [(1536, 384), (1920, 384)]
    names = [t.name for t in song.beat_instruments]
    assert names == ["BD 03", "Snare 05", "Snare 06", "Open HiHat 02", "Closed HihHat 03"]
    bd = song.beat_instruments[0]
    assert bd.instrument == "audiofileprocessor"
    step = song.beat_pattern(beats[0], bd)
    assert step is not None
    assert step.kind == PatternKind.BEAT and step.steps == 32 and step.length == 384
    assert [n.pos for n in step.notes] == [0, 96, 168, 192, 288]
    assert all(n.is_step and n.length == -192 for n in step.notes)


def test_sample_and_automation_tracks() -> None:
    song = Project.load(demo("TameAnderson-MakeMe.mmpz"))
    samples = [t for t in song.tracks if isinstance(t, SampleTrack)]
    autos = [t for t in song.tracks if isinstance(t, AutomationTrack)]
    assert [t.name for t in samples] == ["Sample track"] and samples[0].volume == 100
    assert [t.name for t in autos] == ["Automation track"]
    hidden = song.song.find("track")
    assert hidden is not None and hidden.get("type") == "6"


def test_mixer_channels_and_sends() -> None:
    song = Project.load(demo("CapDan-ReggaeTry.mmpz"))
    channels = song.mixer_channels
    assert [(c.number, c.name) for c in channels][:3] == [(0, "Master"), (1, "Kick"), (2, "Snare")]
    assert channels[0].sends == []
    assert channels[1].sends == [(0, 1.0)]
    assert all(c.volume == 1 for c in channels)
    # channel 1: volume="0.56"; channel 2: <volume scale_type="linear" id="573357" value="1"/>
    dirty = Project.load(demo("DirtyLove.mmpz"))
    assert [c.volume for c in dirty.mixer_channels] == [1, 0.56, 1]
    assert "volume" not in dirty.mixer_channels[2].element.attrib


def test_old_lmms_0_4_project_reads() -> None:
    song = Project.load(demo("Greshz-CoolSnip.mmpz"))
    assert song.root.tag == "multimedia-project"
    assert song.tempo == 140
    assert [t.name for t in song.tracks] == ["Default preset", "bassdrum03.ogg"]


def test_find_track_errors_name_the_choices() -> None:
    song = Project.load(demo("Greshz-CoolSnip.mmpz"))
    with pytest.raises(Exception, match=r"no track named 'Nope' .*'Default preset'"):
        song.find_track("Nope")
    c64 = Project.load(demo("Skiessi-C64.mmpz"))
    with pytest.raises(Exception, match="5 tracks are named 'Default preset'"):
        c64.find_track("Default preset")
    assert isinstance(c64.find_track("linn_kik.ds"), InstrumentTrack)
    assert isinstance(Project.load(demo("CapDan-ReggaeTry.mmpz")).find_track("Drum I"), BeatTrack)


@pytest.mark.parametrize("path", DEMO_FILES, ids=lambda p: p.name)
def test_summary_of_every_demo(path: Path) -> None:
    song = Project.load(path)
    before = song.to_bytes(compressed=False)
    data = summarize(song)
    assert data["tempo"] > 0 and data["meter"].count("/") == 1
    assert len(data["tracks"]) == len(song.tracks)
    assert all(t["kind"] for t in data["tracks"])
    assert song.to_bytes(compressed=False) == before  # reading never changes the document
