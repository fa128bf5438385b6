"""Putting a melody into a key, scale and range (pure functions, no model)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lmms_magenta_pattern.melody_fit import find_key, fit_melody, snap_to_scale

from lmms_magenta.tonal import SCALES

G_MAJOR_TUNE = [(i * 2, 2, p) for i, p in enumerate([67, 71, 74, 71, 72, 69, 66, 67, 79, 74])]
A_MINOR_TUNE = [(i * 2, 2, p) for i, p in enumerate([69, 72, 76, 72, 71, 68, 69, 64, 69])]


def test_find_key() -> None:
    assert find_key(G_MAJOR_TUNE) == (7, False)
    assert find_key(A_MINOR_TUNE) == (9, True)
    assert find_key([]) == (0, False)


def test_a_tune_is_moved_to_the_key_by_the_smallest_step() -> None:
    out = fit_melody(G_MAJOR_TUNE, 2, SCALES["major"], 0, 127)  # G -> D: down 5
    assert [p for _, _, p in out] == [p - 5 for _, _, p in G_MAJOR_TUNE]
    assert [(s, ln) for s, ln, _ in out] == [(s, ln) for s, ln, _ in G_MAJOR_TUNE]


def test_a_major_tune_asked_for_minor_keeps_its_notes_as_the_relative_minor() -> None:
    out = fit_melody(G_MAJOR_TUNE, 4, SCALES["minor"], 0, 127)  # E minor = G major's notes
    assert out == G_MAJOR_TUNE


def test_snapping_resolves_down_on_a_tie() -> None:
    notes = [(0, 1, 61), (1, 1, 66), (2, 1, 60)]  # C#, F#, C in C major
    assert [p for _, _, p in snap_to_scale(notes, 0, SCALES["major"])] == [60, 65, 60]


def test_chromatic_snaps_nothing() -> None:
    notes = [(0, 1, 61), (1, 1, 63), (2, 1, 66)]
    out = fit_melody(notes, find_key(notes)[0], SCALES["chromatic"], 0, 127)
    assert [p for _, _, p in out] == [61, 63, 66]


@given(
    pitches=st.lists(st.integers(30, 100), min_size=1, max_size=24),
    key=st.integers(0, 11),
    scale=st.sampled_from(sorted(SCALES)),
    low=st.integers(30, 90),
    span=st.integers(0, 30),
)
def test_every_note_ends_in_scale_and_range(
    pitches: list[int], key: int, scale: str, low: int, span: int
) -> None:
    notes = [(i, 1, p) for i, p in enumerate(pitches)]
    high = low + span
    out = fit_melody(notes, key, SCALES[scale], low, high)
    assert [(s, ln) for s, ln, _ in out] == [(s, ln) for s, ln, _ in notes]
    pcs = {(key + i) % 12 for i in SCALES[scale]}
    has_scale_note = any(p % 12 in pcs for p in range(low, high + 1))
    for _, _, p in out:
        assert low <= p <= high
        if has_scale_note:
            assert p % 12 in pcs


def test_an_upside_down_range_is_refused() -> None:
    with pytest.raises(ValueError, match="above"):
        fit_melody(G_MAJOR_TUNE, 0, SCALES["major"], 72, 60)
