"""Note names, key tonics and scale tables."""

from __future__ import annotations

import pytest

from lmms_magenta.tonal import (
    SCALE_ALIASES,
    SCALE_HELP,
    SCALES,
    TONICS,
    normalize_scale,
    normalize_tonic,
    parse_pitch,
    pitch_class,
    pitch_name,
    scale_intervals,
)


@pytest.mark.parametrize(
    ("name", "note"),
    [
        ("C4", 60),
        ("c4", 60),
        ("A4", 69),
        ("F#3", 54),
        ("Bb2", 46),
        ("B♭2", 46),
        ("C-1", 0),
        ("G9", 127),
        ("Cb4", 59),
        ("B#3", 60),
        ("Ebb4", 62),
        (" E2 ", 40),
    ],
)
def test_parse_pitch(name: str, note: int) -> None:
    assert parse_pitch(name) == note


@pytest.mark.parametrize("bad", ["H4", "C", "G#9", "Cb-1", "C#b4", "4C", "", "C 4"])
def test_parse_pitch_rejects(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_pitch(bad)


def test_pitch_name() -> None:
    assert [pitch_name(n) for n in (0, 46, 60, 61, 127)] == ["C-1", "A#2", "C4", "C#4", "G9"]
    with pytest.raises(ValueError):
        pitch_name(128)


@pytest.mark.parametrize(
    ("text", "tonic"),
    [
        ("c#", "C#"),
        ("DB", "Db"),
        ("db", "Db"),
        ("e flat", "Eb"),
        ("F-sharp", "F#"),
        ("B♭", "Bb"),
        ("g", "G"),
        ("Cb", "Cb"),
    ],
)
def test_normalize_tonic(text: str, tonic: str) -> None:
    assert normalize_tonic(text) == tonic


@pytest.mark.parametrize("bad", ["H", "C##", "Cx", "", "C major", "Am"])
def test_normalize_tonic_rejects(bad: str) -> None:
    with pytest.raises(ValueError):
        normalize_tonic(bad)


def test_pitch_classes_cover_enharmonics() -> None:
    assert len(TONICS) == 21
    assert [pitch_class(t) for t in ("C", "B#", "Db", "Fb", "Bb", "Cb")] == [0, 0, 1, 4, 10, 11]
    assert sorted({pitch_class(t) for t in TONICS}) == list(range(12))


def test_scales_are_well_formed() -> None:
    assert set(SCALE_HELP) == set(SCALES)
    assert set(SCALE_ALIASES.values()) <= set(SCALES)
    for name, intervals in SCALES.items():
        assert intervals[0] == 0, name
        assert list(intervals) == sorted(set(intervals)), name
        assert all(0 <= i < 12 for i in intervals), name
    assert len(SCALES["chromatic"]) == 12
    assert set(SCALES["blues"]) == set(SCALES["minor-pentatonic"]) | {6}
    # modes of the major scale are rotations of it
    major = SCALES["major"]
    for start, mode in enumerate(
        ["major", "dorian", "phrygian", "lydian", "mixolydian", "minor", "locrian"]
    ):
        rotated = tuple(sorted((i - major[start]) % 12 for i in major))
        assert SCALES[mode] == rotated, mode


def test_normalize_scale() -> None:
    assert normalize_scale("Harmonic Minor") == "harmonic-minor"
    assert normalize_scale("natural_minor") == "minor"
    assert scale_intervals("Ionian") == SCALES["major"]
    with pytest.raises(ValueError, match="unknown scale"):
        normalize_scale("klingon")
