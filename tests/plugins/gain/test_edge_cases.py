"""Silence, signals shorter than the windows, empty and broken input: defined, NaN-free."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from lmms_magenta_gain.measure import LoudnessMeter, Measurement, measure

RATE = 48000
FIELDS = (
    "integrated",
    "loudness_range",
    "momentary_max",
    "short_term_max",
    "true_peak",
    "sample_peak",
    "rms",
    "rms_active",
)


def _no_nan(result: Measurement) -> None:
    for name in FIELDS:
        value = getattr(result, name)
        assert value is None or not math.isnan(value), name
    json.dumps(result.to_json(), allow_nan=False)  # strict JSON: no NaN, no Infinity


def test_silence_is_minus_inf_and_says_so() -> None:
    result = measure(np.zeros((2, 5 * RATE)), RATE)
    _no_nan(result)
    assert result.silent
    for name in ("integrated", "momentary_max", "short_term_max", "true_peak", "sample_peak"):
        assert getattr(result, name) == -math.inf, name
    assert result.rms == -math.inf and result.rms_active == -math.inf
    assert result.loudness_range is None
    assert "silent" in result.notes
    assert any("-70 LUFS" in note for note in result.notes)


@pytest.mark.parametrize("seconds", [0.001, 0.1, 0.399])
def test_shorter_than_400_ms_is_not_measurable(seconds: float) -> None:
    n = round(seconds * RATE)
    x = 0.5 * np.sin(2 * np.pi * 1000 * np.arange(n) / RATE)
    result = measure(np.stack([x, x]), RATE)
    _no_nan(result)
    assert result.integrated is None and result.momentary_max is None
    assert result.short_term_max is None and result.loudness_range is None
    assert result.sample_peak == pytest.approx(-6.02, abs=0.1)  # peaks still measurable
    assert any("shorter than 400 ms" in note for note in result.notes)
    assert LoudnessMeter(RATE).integrated(np.stack([x, x])) is None


def test_between_400_ms_and_3_s() -> None:
    x = 0.1 * np.sin(2 * np.pi * 1000 * np.arange(RATE) / RATE)
    result = measure(np.stack([x, x]), RATE)
    _no_nan(result)
    assert result.integrated is not None and math.isfinite(result.integrated)
    assert result.short_term_max is None and result.loudness_range is None
    assert any("shorter than 3 s" in note for note in result.notes)


def test_empty_signal() -> None:
    result = measure(np.zeros((2, 0)), RATE)
    _no_nan(result)
    assert all(getattr(result, name) is None for name in FIELDS)
    assert result.notes


def test_below_the_absolute_gate() -> None:
    """A -90 dBFS tone: nothing passes -70 LUFS, yet peaks and RMS are finite."""
    x = 10 ** (-90 / 20) * np.sin(2 * np.pi * 1000 * np.arange(4 * RATE) / RATE)
    result = measure(np.stack([x, x]), RATE)
    _no_nan(result)
    assert result.integrated == -math.inf
    assert result.sample_peak == pytest.approx(-90, abs=0.01)
    assert result.rms == pytest.approx(-93.01, abs=0.01)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_nan_or_infinite_samples_are_refused(bad: float) -> None:
    x = np.zeros((2, RATE))
    x[1, 100] = bad
    with pytest.raises(ValueError, match="NaN or infinite"):
        measure(x, RATE)


def test_rms_of_a_full_scale_sine() -> None:
    x = np.sin(2 * np.pi * 1000 * np.arange(2 * RATE) / RATE)
    result = measure(np.stack([x, x]), RATE)
    assert result.rms == pytest.approx(-3.01, abs=0.01)
    assert result.rms_active == pytest.approx(-3.01, abs=0.01)


def test_active_rms_ignores_the_silent_parts() -> None:
    """A part playing 8 s out of 20 s: whole-file RMS is 4 dB lower, active RMS is not.

    (The few 400 ms blocks that straddle the part's end count, as in BS.1770 gating:
    they cost 0.08 dB here.)
    """
    x = np.zeros(20 * RATE)
    x[: 8 * RATE] = 0.25 * np.sin(2 * np.pi * 440 * np.arange(8 * RATE) / RATE)
    result = measure(np.stack([x, x]), RATE)
    assert result.rms_active == pytest.approx(-15.05, abs=0.1)
    assert result.rms == pytest.approx(-15.05 - 3.98, abs=0.02)


def test_one_dimensional_input_is_mono() -> None:
    x = 0.1 * np.sin(2 * np.pi * 1000 * np.arange(RATE) / RATE)
    assert measure(x, RATE).channels == 1
