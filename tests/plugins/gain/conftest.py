"""Shared fixtures for the gain plugin tests (helpers live in ebu_signals.py, gain_support.py)."""

from __future__ import annotations

import pytest
from lmms_magenta_gain.measure import LoudnessMeter

RATES = (48000, 44100, 96000)


@pytest.fixture(scope="module", params=RATES, ids=lambda r: f"{r // 1000}k")
def rate(request: pytest.FixtureRequest) -> int:
    """Every compliance case runs at 48 kHz (the EBU files' rate), 44.1 kHz and 96 kHz."""
    return int(request.param)


@pytest.fixture(scope="module")
def meter(rate: int) -> LoudnessMeter:
    return LoudnessMeter(rate)


@pytest.fixture(scope="module")
def mono_meter(rate: int) -> LoudnessMeter:
    """Mono variants: a mono file measured as dual mono reads like the stereo case."""
    return LoudnessMeter(rate, dual_mono=True)
