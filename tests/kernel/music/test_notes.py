"""Notes: validation, beats as exact fractions, ordering."""

from __future__ import annotations

from fractions import Fraction

import pytest

from lmms_magenta.music import Note, note_sort_key


def test_note_fields_and_end() -> None:
    n = Note(60, 100, 480, 240)
    assert (n.pitch, n.velocity, n.start, n.length, n.channel) == (60, 100, 480, 240, 0)
    assert n.end == 720


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"pitch": -1}, "pitch"),
        ({"pitch": 128}, "pitch"),
        ({"velocity": 0}, "velocity"),
        ({"velocity": 128}, "velocity"),
        ({"start": -1}, "start"),
        ({"length": 0}, "length"),
        ({"length": -5}, "length"),
        ({"channel": 16}, "channel"),
        ({"channel": -1}, "channel"),
    ],
)
def test_invalid_note_raises_value_error(kwargs: dict[str, int], fragment: str) -> None:
    base = {"pitch": 60, "velocity": 100, "start": 0, "length": 10, "channel": 0}
    with pytest.raises(ValueError, match=fragment):
        Note(**{**base, **kwargs})


def test_bounds_are_inclusive() -> None:
    Note(0, 1, 0, 1, 0)
    Note(127, 127, 10**9, 10**9, 15)


def test_notes_are_immutable_and_hashable() -> None:
    n = Note(60, 100, 0, 10)
    with pytest.raises(AttributeError):
        n.pitch = 61  # type: ignore[misc]
    assert len({n, Note(60, 100, 0, 10)}) == 1


def test_beats_are_exact_fractions() -> None:
    n = Note(60, 100, 160, 80)
    assert n.start_beats(480) == Fraction(1, 3)
    assert n.length_beats(480) == Fraction(1, 6)


def test_from_beats_on_grid() -> None:
    assert Note.from_beats(36, 90, Fraction(1, 4), Fraction(1, 2), 48) == Note(36, 90, 12, 24)
    assert Note.from_beats(36, 90, 2, 1, 480, channel=9) == Note(36, 90, 960, 480, 9)


def test_from_beats_off_grid_raises() -> None:
    # a sixteenth-note triplet (1/6 beat) is 8 ticks at 48 ppq, but 1/7 beat is not whole
    assert Note.from_beats(60, 1, Fraction(1, 6), Fraction(1, 6), 48).start == 8
    with pytest.raises(ValueError, match="grid"):
        Note.from_beats(60, 1, Fraction(1, 7), 1, 48)


def test_shifted() -> None:
    assert Note(60, 100, 100, 5).shifted(20) == Note(60, 100, 120, 5)
    assert Note(60, 100, 100, 5).shifted(-100).start == 0
    with pytest.raises(ValueError):
        Note(60, 100, 100, 5).shifted(-101)


def test_sort_key_orders_by_time_then_pitch_and_is_total() -> None:
    a, b, c = Note(64, 1, 0, 1), Note(60, 1, 10, 1), Note(60, 1, 0, 2)
    assert sorted([b, a, c], key=note_sort_key) == [c, a, b]
    # notes differing only in velocity still get a fixed order
    assert note_sort_key(Note(60, 1, 0, 1)) < note_sort_key(Note(60, 2, 0, 1))
