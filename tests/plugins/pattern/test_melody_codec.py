"""Melody notes <-> tokens: the encoding the melody VAE reads and writes."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from lmms_magenta_pattern.melody_codec import (
    NO_EVENT,
    NOTE_OFF,
    STEPS,
    fit_range,
    notes_to_tokens,
    tokens_to_notes,
)


def test_known_example() -> None:
    tokens = notes_to_tokens([(0, 2, 60), (2, 1, 62), (4, 4, 64)])
    assert tokens[:9].tolist() == [
        60,
        NO_EVENT,
        62,
        NOTE_OFF,
        64,
        NO_EVENT,
        NO_EVENT,
        NO_EVENT,
        NOTE_OFF,
    ]
    assert (tokens[9:] == NO_EVENT).all()


def test_note_running_past_the_end_lasts_to_the_end() -> None:
    assert tokens_to_notes(notes_to_tokens([(30, 8, 70)])) == [(30, 2, 70)]


def test_overlap_is_cut_and_chords_keep_the_top_voice() -> None:
    tokens = notes_to_tokens([(0, 8, 60), (4, 2, 67), (4, 2, 64)])
    assert tokens_to_notes(tokens) == [(0, 4, 60), (4, 2, 67)]


@st.composite
def monophonic(draw: st.DrawFn) -> list[tuple[int, int, int]]:
    starts = sorted(draw(st.sets(st.integers(0, STEPS - 1), max_size=12)))
    notes = []
    for i, s in enumerate(starts):
        room = (starts[i + 1] if i + 1 < len(starts) else STEPS) - s
        notes.append((s, draw(st.integers(1, room)), draw(st.integers(0, 127))))
    return notes


@given(monophonic())
def test_round_trip(notes: list[tuple[int, int, int]]) -> None:
    tokens = notes_to_tokens(notes)
    assert tokens.dtype == np.int64 and tokens.shape == (STEPS,)
    assert tokens_to_notes(tokens) == notes
    assert (notes_to_tokens(tokens_to_notes(tokens)) == tokens).all()


def test_fit_range_folds_octaves() -> None:
    assert fit_range([(0, 1, 96), (1, 1, 100)]) == -24
    assert fit_range([(0, 1, 60)]) == 0
    assert fit_range([(0, 1, 20), (1, 1, 90)]) is None
