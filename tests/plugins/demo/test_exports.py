"""MIDI files and pictures of the demo: read back from the project, checked independently."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from demo_support import written_parts
from lmms_magenta_demo.assemble import build_project
from lmms_magenta_demo.exports import write_midi_files
from lmms_magenta_demo.plan import plan_song
from lmms_magenta_demo.previews import write_previews

from lmms_magenta.lmms import Project
from lmms_magenta.testing import read_midi_notes


@pytest.fixture
def song(tmp_path: Path) -> Project:
    path = tmp_path / "song.mmpz"
    build_project(plan_song(seed=1, bars=8), written_parts()).save(path)
    return Project.load(path)


def test_midi_files_hold_every_bar_the_project_plays(song: Project, tmp_path: Path) -> None:
    written = write_midi_files(song, tmp_path)
    assert {p.name for p in written.values()} == {"drums.mid", "bass.mid", "melody.mid"}
    drums = read_midi_notes(written["drums"])
    assert {n.channel for n in drums} == {9}  # General MIDI drums
    # the beat loops 3 times over bars 1-6 (24 hits), the fill plays once in bars 7-8
    beat_hits, fill_hits = 4 + 4 + 16, 2 + 2 + 3 + 3 + 1
    assert len(drums) == 3 * beat_hits + fill_hits
    kicks = [n.start for n in drums if n.pitch == 36]
    assert kicks[:4] == [0, Fraction(5, 2), 4, Fraction(13, 2)]  # steps 0, 10, 16, 26
    assert {n.pitch for n in drums} == {36, 38, 42, 43, 47, 49}  # each voice at its GM note
    bass = read_midi_notes(written["bass"])
    assert len(bass) == 16 and bass[0].pitch == 45 and bass[0].length == 2
    melody = read_midi_notes(written["melody"])
    assert len(melody) == 24 and melody[0].start == 8  # enters at bar 3 (beat 8)


def test_previews_are_one_png_per_part(song: Project, tmp_path: Path) -> None:
    from lmms_magenta_demo.exports import song_clips

    pictures = write_previews(song_clips(song), tmp_path, "D dorian, 100 bpm, funk")
    assert sorted(p.name for p in pictures.values()) == ["bass.png", "drums.png", "melody.png"]
    for path in pictures.values():
        data = path.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 5000
    assert not list(tmp_path.glob("*.tmp"))


def test_a_hit_played_late_on_the_last_step_does_not_add_a_bar(
    song: Project, tmp_path: Path
) -> None:
    """The groove may move the song's last hit a few ticks late; the MIDI file still
    ends with the song (a DAW would otherwise show a ninth, empty bar)."""
    from lmms_magenta.lmms import LmmsNote
    from lmms_magenta.music import read_midi

    fill = song.beat_tracks[1]
    snare = song.beat_instruments[1]
    pattern = song.beat_pattern(fill, snare)
    assert pattern is not None
    late = LmmsNote(31 * 12 + 9, -192, snare.base_key, 100)  # last step, 9 ticks late
    pattern.set_notes([*pattern.notes, late])
    written = write_midi_files(song, tmp_path)
    clip = read_midi(written["drums"]).clips[0]
    assert clip.bar_count == 8
    last = clip.notes[-1]  # 48 ppq: 8 bars = 1536 ticks, the last step starts at 1524
    assert (clip.ppq, last.start, last.end) == (48, 1524 + 9, 1536)
