"""The demo's LMMS project: tracks, kit, patterns, form and mixer, and that LMMS plays it."""

from __future__ import annotations

from pathlib import Path

import pytest
from demo_support import needs_lmms, rms_db, written_parts
from lmms_magenta_demo.assemble import build_project
from lmms_magenta_demo.plan import plan_song
from lmms_magenta_demo.sounds import KIT

from lmms_magenta.lmms import BeatTrack, InstrumentTrack, Project
from lmms_magenta.lmms.render import render_project
from lmms_magenta.music import DrumClass

BAR = 192  # LMMS ticks per 4/4 bar


@pytest.fixture
def song(tmp_path: Path) -> Project:
    """The written parts arranged over 8 bars, saved and loaded back."""
    path = tmp_path / "song.mmpz"
    build_project(plan_song(seed=1, bars=8), written_parts()).save(path)
    return Project.load(path)


def test_tracks_are_two_beats_a_bass_and_a_lead(song: Project) -> None:
    kinds = [(t.name, type(t).__name__) for t in song.tracks if t.kind != "automation"]
    assert kinds == [
        ("Drums", "BeatTrack"),
        ("Drums fill", "BeatTrack"),
        ("Bass", "InstrumentTrack"),
        ("Lead", "InstrumentTrack"),
    ]
    assert song.tempo == 100.0 and song.meter == (4, 4)  # seed 1: D dorian, 100 bpm


def test_the_kit_has_one_sample_per_drum_the_parts_play(song: Project) -> None:
    names = [t.name for t in song.beat_instruments]
    played = [DrumClass.KICK, DrumClass.SNARE, DrumClass.CLOSED_HIHAT, DrumClass.LOW_TOM]
    played += [DrumClass.MID_TOM, DrumClass.CRASH]  # GM 43 low tom, 45 mid tom (Magenta)
    assert names == [KIT[c].name for c in sorted(played)]
    assert {t.instrument for t in song.beat_instruments} == {"audiofileprocessor"}


def test_each_beat_is_a_two_bar_step_pattern_placed_by_the_form(song: Project) -> None:
    beat, fill = song.beat_tracks
    kick = song.beat_instruments[0]
    main = song.beat_pattern(beat, kick)
    assert main is not None and main.steps == 32
    assert [n.pos for n in main.notes] == [0, 120, 192, 312]  # steps 0, 10, 16, 26
    assert all(n.length < 0 for n in main.notes)  # Beat+Bassline hits
    assert [(c.pos, c.length) for c in beat.clips] == [(0, 6 * BAR)]
    assert [(c.pos, c.length) for c in fill.clips] == [(6 * BAR, 2 * BAR)]


def test_riffs_and_phrases_are_placed_by_the_form(song: Project) -> None:
    bass, lead = (t for t in song.tracks if isinstance(t, InstrumentTrack))
    assert [(p.pos // BAR + 1, p.name) for p in bass.patterns] == [
        (1, "Bass A"),
        (3, "Bass A"),
        (5, "Bass B"),
        (7, "Bass A"),
    ]
    assert [(p.pos // BAR + 1, p.name) for p in lead.patterns] == [
        (3, "Lead A"),
        (5, "Lead B"),
        (7, "Lead A"),
    ]
    # A3 (MIDI 45) is LMMS key 33; a quarter of 8 steps is 96 ticks long at 48 ppq
    assert [(n.pos, n.key, n.length) for n in bass.patterns[0].notes][:2] == [
        (0, 33, 96),
        (96, 33, 96),
    ]


def test_each_part_has_its_mixer_channel_sent_to_the_master(song: Project) -> None:
    channels = {ch.name: ch for ch in song.mixer_channels}
    for name in ("Drums", "Bass", "Lead"):
        assert channels[name].sends == [(0, 1.0)]
    by_track = {t.name: t.mixer_channel for t in song.tracks if isinstance(t, InstrumentTrack)}
    by_track |= {t.name: t.mixer_channel for t in song.beat_instruments}
    assert by_track["Bass"] == channels["Bass"].number
    assert by_track["Lead"] == channels["Lead"].number
    assert {by_track[t.name] for t in song.beat_instruments} == {channels["Drums"].number}
    assert not any(isinstance(t, BeatTrack) and t.muted for t in song.tracks)


@pytest.mark.lmms
def test_lmms_plays_every_part(song: Project, tmp_path: Path) -> None:
    """Each part rendered alone is clearly audible: every instrument and sample exists
    (LMMS renders an unknown one as silence and still exits 0)."""
    import soundfile as sf

    lmms = needs_lmms()
    parts = {"Drums": ("Drums", "Drums fill"), "Bass": ("Bass",), "Lead": ("Lead",)}
    for part, names in parts.items():
        for track in song.tracks:
            if (
                isinstance(track, BeatTrack | InstrumentTrack)
                and track not in song.beat_instruments
            ):
                track.muted = track.name not in names
        solo = tmp_path / f"{part}.mmp"
        song.save(solo)
        wav = tmp_path / f"{part}.wav"
        render_project(solo, wav, float32=True, lmms=lmms, workdir=tmp_path)
        samples, rate = sf.read(wav, always_2d=True)
        assert rate == 44100
        assert len(samples) >= 8 * 2.4 * rate  # 8 bars at 100 bpm = 19.2 s
        assert rms_db(samples) > -40, part
