"""Clips: invariants checked on construction, measures, tempo, changing resolution."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import pytest
from hypothesis import given
from music_strategies import clips

from lmms_magenta.music import (
    AUTO_LENGTH,
    Clip,
    Meter,
    Note,
    TempoChange,
    note_sort_key,
    rescale_ticks,
)


def test_notes_are_sorted_and_stored_as_tuple() -> None:
    a, b = Note(60, 100, 480, 10), Note(62, 100, 0, 10)
    clip = Clip([a, b])  # any iterable of notes
    assert clip.notes == (b, a)


def test_auto_length_covers_note_ends_in_whole_bars() -> None:
    assert Clip().length == 1920  # an empty clip is one 4/4 bar at 480 ppq
    assert Clip((Note(36, 100, 0, 1920),)).length == 1920
    assert Clip((Note(36, 100, 1900, 21),)).length == 3840
    assert Clip((Note(36, 100, 0, 1),), ppq=48, meter=Meter(3, 4)).length == 144


def test_explicit_length_and_measures() -> None:
    clip = Clip((Note(36, 100, 0, 10),), ppq=48, meter=Meter(6, 8), length=144 * 3 + 72)
    assert clip.ticks_per_bar == 144
    assert clip.length_bars == Fraction(7, 2)
    assert clip.bar_count == 4
    assert clip.end == 10


def test_note_tail_may_ring_past_the_end_but_onset_may_not() -> None:
    Clip((Note(49, 100, 190, 400),), ppq=48, length=192)
    with pytest.raises(ValueError, match="after the clip end"):
        Clip((Note(49, 100, 192, 1),), ppq=48, length=192)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"ppq": 0}, "ppq"),
        ({"ppq": 40000}, "ppq"),
        ({"tempo": 0.0}, "tempo"),
        ({"length": -2}, "length"),
        ({"program": 128}, "program"),
        ({"ppq": 1, "meter": Meter(3, 16)}, "whole number of ticks"),
        ({"notes": (Note(60, 1, 0, 1, channel=9),)}, "channel 10"),
        ({"notes": ("C4",)}, "Note objects"),
        ({"tempo_changes": (120.0,)}, "TempoChange"),
    ],
)
def test_invalid_clip_raises(kwargs: dict[str, object], fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        Clip(**kwargs)  # type: ignore[arg-type]


def test_drum_clip_accepts_any_channel() -> None:
    Clip((Note(36, 1, 0, 1, channel=9), Note(38, 1, 0, 1, channel=0)), is_drum=True)


def test_tempo_changes_are_canonical() -> None:
    clip = Clip(
        ppq=48,
        length=192 * 4,
        tempo=100.0,
        tempo_changes=(
            TempoChange(384, 90.0),
            TempoChange(0, 120.0),  # a change at tick 0 sets the tempo
            TempoChange(192, 120.0),  # no-op: dropped
            TempoChange(384, 140.0),  # later change at one tick wins
            TempoChange(576, 140.0),  # no-op
            TempoChange(768, 60.0),  # at the clip end: dropped
        ),
    )
    assert clip.tempo == 120.0
    assert clip.tempo_changes == (TempoChange(384, 140.0),)
    assert clip.tempo_at(0) == 120.0
    assert clip.tempo_at(383) == 120.0
    assert clip.tempo_at(384) == 140.0


def test_seconds_follow_the_tempo_map() -> None:
    clip = Clip(ppq=48, length=192 * 2, tempo=120.0, tempo_changes=(TempoChange(192, 60.0),))
    assert clip.seconds_at(0) == 0.0
    assert clip.seconds_at(192) == pytest.approx(2.0)  # 4 beats at 120 bpm
    assert clip.seconds_at(240) == pytest.approx(3.0)  # + 1 beat at 60 bpm


def test_beats_and_ticks() -> None:
    clip = Clip(ppq=48)
    assert clip.beats(36) == Fraction(3, 4)
    assert clip.ticks(Fraction(3, 4)) == 36
    with pytest.raises(ValueError, match="grid"):
        clip.ticks(Fraction(1, 5))


def test_with_notes_keeps_everything_else() -> None:
    clip = Clip(ppq=48, length=384, name="Bass", program=33)
    new = clip.with_notes([Note(40, 90, 0, 12)])
    assert new.notes == (Note(40, 90, 0, 12),)
    assert (new.length, new.name, new.program) == (384, "Bass", 33)


def test_with_ppq_exact_to_lmms_and_back() -> None:
    clip = Clip(
        (Note(36, 100, 0, 120), Note(38, 90, 480, 60)),
        tempo_changes=(TempoChange(960, 90.0),),
    )
    lmms = clip.with_ppq(48)
    assert lmms.ppq == 48
    assert lmms.notes == (Note(36, 100, 0, 12), Note(38, 90, 48, 6))
    assert lmms.length == 192
    assert lmms.tempo_changes == (TempoChange(96, 90.0),)
    assert lmms.with_ppq(480) == clip
    assert clip.with_ppq(480) is clip


def test_with_ppq_off_grid_needs_explicit_rounding() -> None:
    clip = Clip((Note(36, 100, 7, 3),), length=1920)
    with pytest.raises(ValueError, match="rounding"):
        clip.with_ppq(48)
    nearest = clip.with_ppq(48, rounding="nearest")
    assert nearest.notes == (Note(36, 100, 1, 1),)  # 0.7 -> 1; end 1.0 -> 1; keeps one tick
    floor = clip.with_ppq(48, rounding="floor")
    assert floor.notes == (Note(36, 100, 0, 1),)


def test_with_ppq_rounding_keeps_notes_inside_the_clip() -> None:
    clip = Clip((Note(60, 100, 1919, 1),), length=1920)
    out = clip.with_ppq(48, rounding="nearest")
    assert out.notes[0].start == 192
    assert out.length == 193


@given(clips())
def test_with_ppq_exact_up_and_down_is_identity(clip: Clip) -> None:
    assert clip.with_ppq(clip.ppq * 5).with_ppq(clip.ppq) == clip


@given(clips(ppq=480))
def test_with_ppq_rounded_moves_each_note_to_its_nearest_ticks(clip: Clip) -> None:
    out = clip.with_ppq(48, rounding="nearest")
    expected = []
    for n in clip.notes:
        start = rescale_ticks(n.start, 480, 48, "nearest")
        end = rescale_ticks(n.end, 480, 48, "nearest")
        expected.append(replace(n, start=start, length=max(1, end - start)))
    assert out.notes == tuple(sorted(expected, key=note_sort_key))
    # the length is rounded up; a note rounded onto the end grows the clip by a tick
    assert out.length == max([clip.length // 10] + [n.start + 1 for n in out.notes])


def test_replace_revalidates() -> None:
    clip = Clip(ppq=48)
    with pytest.raises(ValueError):
        replace(clip, length=AUTO_LENGTH - 1)


def test_clips_pickle_and_hash() -> None:
    """Training pipelines cache clips and send them to worker processes."""
    import pickle

    clip = Clip([Note(60, 100, 0, 10)], name="x", tempo_changes=[TempoChange(5, 90.0)])
    back = pickle.loads(pickle.dumps(clip))
    assert back == clip
    assert hash(back) == hash(clip)
