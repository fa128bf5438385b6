"""Meters, tempo changes and exact conversion between tick grids."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from lmms_magenta.music import LMMS_PPQ, Meter, MeterChange, TempoChange, rescale_ticks


@pytest.mark.parametrize(
    ("meter", "ppq", "ticks"),
    [
        (Meter(4, 4), 48, 192),
        (Meter(3, 4), 48, 144),
        (Meter(6, 8), 480, 1440),
        (Meter(7, 8), 48, 168),
        (Meter(2, 2), 96, 384),
        (Meter(5, 16), 48, 60),
    ],
)
def test_ticks_per_bar(meter: Meter, ppq: int, ticks: int) -> None:
    assert meter.ticks_per_bar(ppq) == ticks


def test_bar_that_is_not_whole_ticks_raises() -> None:
    with pytest.raises(ValueError, match="whole number of ticks"):
        Meter(3, 16).ticks_per_bar(1)


def test_beats_per_bar_is_exact() -> None:
    assert Meter(6, 8).beats_per_bar == 3
    assert Meter(7, 16).beats_per_bar == Fraction(7, 4)


@pytest.mark.parametrize(("num", "den"), [(0, 4), (256, 4), (4, 3), (4, 0), (4, 128)])
def test_invalid_meter_raises(num: int, den: int) -> None:
    with pytest.raises(ValueError, match="meter"):
        Meter(num, den)


def test_meter_parse_and_str() -> None:
    assert Meter.parse("6/8") == Meter(6, 8)
    assert Meter.parse("4-4") == Meter(4, 4)  # the Groove dataset's info.csv spelling
    assert str(Meter(7, 8)) == "7/8"
    with pytest.raises(ValueError, match="not a meter"):
        Meter.parse("four")


@given(st.integers(1, 0xFFFFFF))
@example(258074)  # found by hypothesis: once read as 232.491, re-read as 232.49
@example(91938)
@example(29096)
def test_midi_tempo_survives_bpm_exactly(usec: int) -> None:
    assert TempoChange(0, 60_000_000 / usec).usec_per_quarter == usec
    musical = TempoChange.from_usec(0, usec)
    assert abs(musical.usec_per_quarter - usec) <= 1  # a truncated 60e6/bpm is read as bpm
    assert TempoChange.from_usec(0, musical.usec_per_quarter) == musical  # then stable


def test_truncated_tempo_reads_as_the_round_bpm() -> None:
    assert TempoChange.from_usec(0, 631578).bpm == 95.0  # int(60e6 / 95), as in Groove files
    assert TempoChange(0, 95.0).usec_per_quarter == 631579


@pytest.mark.parametrize("bpm", [92.0, 116.0, 120.0, 133.5, 97.25, 174.0, 61.803])
def test_from_usec_gives_back_the_musicians_bpm(bpm: float) -> None:
    usec = TempoChange(0, bpm).usec_per_quarter
    assert 60_000_000 / usec != bpm or bpm == 120.0  # the file really holds a rounded value
    assert TempoChange.from_usec(480, usec) == TempoChange(480, bpm)


def test_from_usec_rejects_zero() -> None:
    with pytest.raises(ValueError, match="tempo"):
        TempoChange.from_usec(0, 0)


@pytest.mark.parametrize("bpm", [0.0, -1.0, float("inf"), float("nan")])
def test_invalid_tempo_raises(bpm: float) -> None:
    with pytest.raises(ValueError, match="tempo"):
        TempoChange(0, bpm)


def test_negative_ticks_raise() -> None:
    with pytest.raises(ValueError):
        TempoChange(-1, 120.0)
    with pytest.raises(ValueError):
        MeterChange(-1, Meter())


def test_rescale_exact() -> None:
    assert rescale_ticks(240, 480, LMMS_PPQ) == 24
    assert rescale_ticks(24, LMMS_PPQ, 480) == 240
    with pytest.raises(ValueError, match="not on the 48 ppq grid"):
        rescale_ticks(241, 480, 48)


def test_rescale_rounding_modes() -> None:
    assert rescale_ticks(244, 480, 48, "nearest") == 24
    assert rescale_ticks(245, 480, 48, "nearest") == 25  # half rounds up
    assert rescale_ticks(249, 480, 48, "floor") == 24
    with pytest.raises(ValueError, match="rounding"):
        rescale_ticks(1, 480, 48, "up")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="positive"):
        rescale_ticks(1, 0, 48)


@given(st.integers(0, 10**7), st.sampled_from([1, 24, 48, 96, 480, 960]))
def test_rescale_up_and_down_is_identity(ticks: int, ppq: int) -> None:
    up = rescale_ticks(ticks, ppq, ppq * 10)
    assert rescale_ticks(up, ppq * 10, ppq) == ticks


@given(st.integers(0, 10**6), st.sampled_from([480, 960, 96]))
def test_nearest_is_within_half_a_tick(ticks: int, from_ppq: int) -> None:
    out = rescale_ticks(ticks, from_ppq, 48, "nearest")
    assert abs(Fraction(out) - Fraction(ticks * 48, from_ppq)) <= Fraction(1, 2)
