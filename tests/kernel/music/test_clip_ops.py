"""Clip operations: quantize, transpose, slice, windows, join, merge (examples + properties)."""

from __future__ import annotations

from collections import Counter
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from music_strategies import clips

from lmms_magenta.music import (
    Clip,
    Meter,
    Note,
    TempoChange,
    grid_ticks,
    join,
    merge,
    quantize,
    transpose,
    windows,
)

GRIDS = st.sampled_from([Fraction(1, 4), Fraction(1, 8), Fraction(1, 16), Fraction(1, 12)])


def drums(*starts: int, ppq: int = 480, length: int = 1920) -> Clip:
    return Clip(
        tuple(Note(36, 100, s, 10, 9) for s in starts), ppq=ppq, length=length, is_drum=True
    )


# --- quantize -------------------------------------------------------------------------


def test_grid_ticks() -> None:
    assert grid_ticks("1/16", 480) == 120
    assert grid_ticks(Fraction(1, 12), 48) == 16
    assert grid_ticks(1, 48) == 192
    assert grid_ticks("1/64", 48) == 3
    with pytest.raises(ValueError, match="positive"):
        grid_ticks(0, 48)
    with pytest.raises(ValueError, match="not a note value"):
        grid_ticks("sixteenth", 48)


def test_grid_ticks_off_grid() -> None:
    with pytest.raises(ValueError, match="whole number of ticks"):
        grid_ticks("1/128", 48)  # 1.5 ticks


def test_quantize_snaps_to_nearest_sixteenth_half_up() -> None:
    out = quantize(drums(0, 59, 60, 61, 179, 1000), "1/16")
    assert [n.start for n in out.notes] == [0, 0, 120, 120, 120, 960]


def test_quantize_strength_moves_part_way() -> None:
    out = quantize(drums(100), "1/16", strength=0.5)
    assert out.notes[0].start == 110
    assert quantize(drums(100), "1/16", strength=0.0) == drums(100)


def test_quantize_swing_delays_off_beats() -> None:
    out = quantize(drums(0, 118, 241, 365), "1/16", swing=1 / 3)
    assert [n.start for n in out.notes] == [0, 160, 240, 400]


def test_quantize_lengths() -> None:
    clip = Clip((Note(60, 100, 5, 50), Note(62, 100, 130, 200)), length=1920)
    out = quantize(clip, "1/16", lengths=True)
    assert [(n.start, n.length) for n in out.notes] == [(0, 120), (120, 240)]


def test_quantize_past_the_end_grows_the_clip_by_a_bar() -> None:
    out = quantize(drums(1910), "1/16")
    assert out.notes[0].start == 1920
    assert out.length == 3840


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [({"strength": 1.5}, "strength"), ({"swing": 0.5}, "swing"), ({"grid": "1/7"}, "ticks")],
)
def test_quantize_rejects_bad_arguments(kwargs: dict[str, object], fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        quantize(drums(0), **kwargs)  # type: ignore[arg-type]


@given(clips(), GRIDS, st.sampled_from([0.0, 0.2, 1 / 3, 0.45]))
def test_quantize_is_idempotent(clip: Clip, grid: Fraction, swing: float) -> None:
    assume((grid * 4 * clip.ppq).denominator == 1)
    once = quantize(clip, grid, swing=swing, lengths=True)
    assert quantize(once, grid, swing=swing, lengths=True) == once


@given(clips(), GRIDS)
def test_quantized_onsets_lie_on_the_grid_and_move_less_than_half_a_step(
    clip: Clip, grid: Fraction
) -> None:
    assume((grid * 4 * clip.ppq).denominator == 1)
    g = grid_ticks(grid, clip.ppq)
    out = quantize(clip, grid)
    assert all(n.start % g == 0 for n in out.notes)
    before = sorted(n.start for n in clip.notes)
    after = sorted(n.start for n in out.notes)
    assert all(abs(a - b) <= g // 2 for a, b in zip(before, after, strict=True))
    assert Counter(n.pitch for n in out.notes) == Counter(n.pitch for n in clip.notes)


# --- transpose ------------------------------------------------------------------------


def test_transpose_melody_and_leave_drums() -> None:
    melody = Clip((Note(60, 100, 0, 10), Note(64, 100, 10, 10)))
    assert [n.pitch for n in transpose(melody, 7).notes] == [67, 71]
    beat = drums(0, 480)
    assert transpose(beat, 5) is beat
    assert [n.pitch for n in transpose(beat, 5, force=True).notes] == [41, 41]


def test_transpose_out_of_range_raises() -> None:
    with pytest.raises(ValueError, match="outside 0-127"):
        transpose(Clip((Note(120, 100, 0, 10),)), 8)
    with pytest.raises(ValueError, match="outside 0-127"):
        Clip((Note(3, 100, 0, 10),)).transpose(-4)


@given(clips(drum=False), st.integers(-24, 24))
def test_transpose_inverse(clip: Clip, semitones: int) -> None:
    assume(all(0 <= n.pitch + semitones <= 127 for n in clip.notes))
    assert transpose(transpose(clip, semitones), -semitones) == clip


# --- slices and windows ---------------------------------------------------------------


def test_slice_bars_rebases_notes_and_takes_the_tempo_in_effect() -> None:
    clip = Clip(
        (Note(60, 100, 100, 50), Note(62, 100, 1920 + 30, 5000), Note(64, 100, 3840, 10)),
        length=3 * 1920,
        tempo=100.0,
        tempo_changes=(TempoChange(1000, 130.0), TempoChange(2500, 90.0)),
    )
    bar2 = clip.slice_bars(1, 2)
    assert bar2.notes == (Note(62, 100, 30, 5000),)  # the tail still rings on
    assert bar2.length == 1920
    assert bar2.tempo == 130.0
    assert bar2.tempo_changes == (TempoChange(580, 90.0),)
    assert clip.slice_bars(2, 10).length == 1920  # clamped to the clip end


def test_windows_assign_notes_by_onset() -> None:
    clip = drums(0, 1919, 1920, 5000, length=3 * 1920)
    parts = clip.windows(1)
    assert [len(w.notes) for w in parts] == [2, 1, 1]
    assert [n.start for n in parts[2].notes] == [5000 - 3840]


def test_windows_with_hop_and_partial() -> None:
    clip = drums(0, length=5 * 1920)
    assert [w.length for w in windows(clip, 2)] == [3840, 3840, 1920]
    assert [w.length for w in windows(clip, 2, keep_partial=False)] == [3840, 3840]
    assert len(windows(clip, 2, hop_bars=1)) == 5
    assert len(windows(clip, 2, hop_bars=1, keep_partial=False)) == 4
    with pytest.raises(ValueError, match=">= 1 bar"):
        windows(clip, 0)


@given(clips(), st.integers(1, 4))
def test_windows_then_join_is_the_original(clip: Clip, n_bars: int) -> None:
    assert join(clip.windows(n_bars)) == clip


@given(clips(), st.integers(1, 3), st.integers(1, 3))
def test_overlapping_windows_see_every_onset_of_their_span(
    clip: Clip, n_bars: int, hop: int
) -> None:
    tpb = clip.ticks_per_bar
    for i, w in enumerate(windows(clip, n_bars, hop)):
        lo = i * hop * tpb
        expected = [n.shifted(-lo) for n in clip.notes if lo <= n.start < lo + n_bars * tpb]
        assert w.notes == tuple(expected)


# --- join and merge -------------------------------------------------------------------


def test_join_offsets_by_length_and_records_tempo_changes() -> None:
    a = Clip((Note(60, 100, 0, 10),), ppq=48, length=192, tempo=120.0, name="A")
    b = Clip((Note(62, 100, 0, 10),), ppq=48, length=96, tempo=90.0, name="B")
    ab = a.join(b, a)
    assert [n.start for n in ab.notes] == [0, 192, 288]
    assert ab.length == 480
    assert ab.name == "A"
    assert ab.tempo_changes == (TempoChange(192, 90.0), TempoChange(288, 120.0))


def test_join_and_merge_reject_incompatible_clips() -> None:
    a = Clip(ppq=48)
    for other, fragment in [
        (Clip(ppq=480), "ppq"),
        (Clip(ppq=48, meter=Meter(3, 4)), "4/4 and 3/4"),
        (Clip(ppq=48, is_drum=True), "drum clip with a melodic"),
    ]:
        with pytest.raises(ValueError, match=fragment):
            join([a, other])
        with pytest.raises(ValueError, match=fragment):
            merge([a, other])
    with pytest.raises(ValueError, match="at least one"):
        join([])


def test_merge_overlays_and_takes_the_longest_length() -> None:
    a = Clip((Note(36, 100, 0, 10, 9),), ppq=48, length=192, is_drum=True, name="Kick")
    b = Clip((Note(42, 80, 24, 10, 9),), ppq=48, length=384, is_drum=True)
    ab = a.merge(b)
    assert [n.pitch for n in ab.notes] == [36, 42]
    assert (ab.length, ab.name) == (384, "Kick")


@given(st.data(), st.sampled_from([48, 480]), st.booleans())
def test_merge_is_commutative_on_notes(data: st.DataObject, ppq: int, drum: bool) -> None:
    a = data.draw(clips(ppq=ppq, meter=Meter(4, 4), drum=drum))
    b = data.draw(clips(ppq=ppq, meter=Meter(4, 4), drum=drum))
    ab, ba = merge([a, b]), merge([b, a])
    assert ab.notes == ba.notes
    assert ab.length == ba.length
    assert Counter(ab.notes) == Counter(a.notes) + Counter(b.notes)


@given(st.data())
def test_join_keeps_every_note(data: st.DataObject) -> None:
    parts = data.draw(
        st.lists(clips(ppq=48, meter=Meter(3, 4), drum=False), min_size=1, max_size=4)
    )
    joined = join(parts)
    assert joined.length == sum(p.length for p in parts)
    assert len(joined.notes) == sum(len(p.notes) for p in parts)
    offset = 0
    for p in parts:
        assert joined.slice_ticks(offset, offset + p.length).notes == p.notes
        offset += p.length
