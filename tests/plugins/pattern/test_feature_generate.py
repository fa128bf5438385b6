"""``generate.drums`` / ``generate.melody`` from Python: seeds, alternatives, lengths,
MIDI layouts, and writing nothing unless asked."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pattern_support import drum_grid

from lmms_magenta.music import DRUM_CHANNEL, Meter, drum_class, read_midi
from lmms_magenta.tonal import pitch_class, scale_intervals

Run = Callable[..., Any]


@pytest.mark.parametrize("kind", ["drums", "melody"])
def test_the_same_seed_gives_the_same_patterns(run_feature: Run, kind: str) -> None:
    a = run_feature(f"generate.{kind}", bars=4, count=3, seed=42)
    b = run_feature(f"generate.{kind}", bars=4, count=3, seed=42)
    c = run_feature(f"generate.{kind}", bars=4, count=3, seed=43)
    assert [x.notes for x in a.clips] == [x.notes for x in b.clips]
    assert [x.notes for x in a.clips] != [x.notes for x in c.clips]
    assert a.seed == 42


@pytest.mark.parametrize("kind", ["drums", "melody"])
def test_count_8_gives_8_distinct_non_empty_patterns(run_feature: Run, kind: str) -> None:
    res = run_feature(f"generate.{kind}", bars=2, count=8, seed=7)
    assert len(res.clips) == 8 and not res.warnings
    assert len({c.notes for c in res.clips}) == 8
    assert all(c.notes for c in res.clips)
    assert [c.name for c in res.clips] == [f"{kind} {i}" for i in range(1, 9)]


def test_a_random_seed_is_picked_and_reported(run_feature: Run) -> None:
    res = run_feature("generate.drums", seed=None)
    again = run_feature("generate.drums", seed=res.seed)
    assert res.clips[0].notes == again.clips[0].notes


@pytest.mark.parametrize("bars", [1, 2, 3, 8])
def test_drum_clips_have_the_asked_length_on_the_grid(run_feature: Run, bars: int) -> None:
    res = run_feature("generate.drums", bars=bars, count=2, seed=1, tempo=96, style="funk")
    for clip in res.clips:
        assert clip.is_drum and clip.meter == Meter(4, 4) and clip.tempo == 96
        assert clip.bar_count == bars and clip.length == bars * clip.ticks_per_bar
        assert all(
            n.channel == DRUM_CHANNEL and drum_class(n.pitch) is not None for n in clip.notes
        )
        assert drum_grid(clip).shape == (bars * 16, 9)  # every hit on a 16th step
        assert clip.name.startswith("funk drums")


@pytest.mark.parametrize(
    ("key", "scale", "low", "high"),
    [
        ("C", "major", 60, 84),
        ("F#", "minor", 54, 78),
        ("Bb", "dorian", 58, 70),
        ("E", "blues", 40, 64),
    ],
)
def test_melodies_keep_to_scale_and_range(
    run_feature: Run, key: str, scale: str, low: int, high: int
) -> None:
    res = run_feature(
        "generate.melody", bars=4, count=4, seed=3, key=key, scale=scale, low=low, high=high
    )
    pcs = {(pitch_class(key) + i) % 12 for i in scale_intervals(scale)}
    for clip in res.clips:
        assert not clip.is_drum and clip.bar_count == 4
        pitches = [n.pitch for n in clip.notes]
        assert pitches and all(low <= p <= high for p in pitches)
        assert {p % 12 for p in pitches} <= pcs


def test_a_narrow_range_still_fits(run_feature: Run) -> None:
    res = run_feature("generate.melody", count=2, seed=5, low="C4", high="G4", scale="major")
    for clip in res.clips:
        assert all(60 <= n.pitch <= 67 and n.pitch % 12 in {0, 2, 4, 5, 7} for n in clip.notes)


def test_nothing_is_written_without_output(
    run_feature: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    res = run_feature("generate.drums", count=2, seed=1)
    assert res.paths == [] and res.project is None and res.preview is None
    assert not isinstance(res, os.PathLike)
    assert list(work.iterdir()) == []


def test_one_file_per_alternative(run_feature: Run, tmp_path: Path) -> None:
    out = tmp_path / "beat.mid"
    res = run_feature("generate.drums", count=3, seed=2, output=out, tempo=90)
    assert res.paths == [tmp_path / f"beat-{i}.mid" for i in (1, 2, 3)]
    assert os.fspath(res) == os.fspath(tmp_path)
    for path, clip in zip(res.paths, res.clips, strict=True):
        song = read_midi(path)
        assert song.bpm == pytest.approx(90, abs=0.01)
        (back,) = song.clips
        assert back.is_drum and [(n.pitch, n.start) for n in back.notes] == [
            (n.pitch, n.start) for n in clip.notes
        ]


def test_a_single_pattern_goes_to_the_file_itself(run_feature: Run, tmp_path: Path) -> None:
    out = tmp_path / "tune.mid"
    res = run_feature("generate.melody", seed=2, output=out)
    assert res.paths == [out] and os.fspath(res) == os.fspath(out)
    assert read_midi(out).clips[0].notes == res.clips[0].notes


def test_sequence_and_tracks_layouts(run_feature: Run, tmp_path: Path) -> None:
    seq = run_feature(
        "generate.drums", bars=2, count=3, seed=4, output=tmp_path / "s.mid", layout="sequence"
    )
    (clip,) = read_midi(seq.paths[0]).clips
    assert clip.bar_count == 6 and len(clip.notes) == sum(len(c.notes) for c in seq.clips)
    tracks = run_feature(
        "generate.drums", bars=2, count=3, seed=4, output=tmp_path / "t.mid", layout="tracks"
    )
    song = read_midi(tracks.paths[0])
    assert [c.notes for c in song.clips] == [c.notes for c in tracks.clips]


def test_an_existing_file_is_kept_as_backup(run_feature: Run, tmp_path: Path) -> None:
    out = tmp_path / "beat.mid"
    out.write_bytes(b"old")
    run_feature("generate.drums", seed=1, output=out)
    assert (tmp_path / "beat.mid.bak").read_bytes() == b"old"
