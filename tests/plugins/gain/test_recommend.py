"""Recommendations on synthetic mixes: targets, balance, fader limits, words, headroom.

The mixes are built from sine "solo renders" with known levels, so every expected
figure is computed from first principles; no LMMS needed.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from lmms_magenta_gain import truepeak
from lmms_magenta_gain.analysis import ChannelResult, MixAnalysis
from lmms_magenta_gain.measure import LoudnessMeter
from lmms_magenta_gain.recommend import MARGIN, recommend
from lmms_magenta_gain.units import Channel

RATE = 48000
METER = LoudnessMeter(RATE)


def _sine(rms_dbfs: float, freq: float, seconds: float = 4.0) -> np.ndarray:
    """A stereo sine whose RMS is ``rms_dbfs`` (peak 3.01 dB higher)."""
    t = np.arange(round(seconds * RATE)) / RATE
    wave = math.sqrt(2) * 10 ** (rms_dbfs / 20) * np.sin(2 * np.pi * freq * t)
    return np.stack([wave, wave])


def _mix(
    levels: dict[str, float | None],
    *,
    faders: dict[str, float] | None = None,
    automated: tuple[str, ...] = (),
) -> MixAnalysis:
    """A mix whose channels are sines at the given RMS levels (None: silent)."""
    faders = faders or {}
    analysis = MixAnalysis(source="synthetic", rate=RATE, channels=[])
    total = np.zeros((2, 4 * RATE))
    for i, (name, level) in enumerate(levels.items()):
        solo = np.zeros((2, 4 * RATE)) if level is None else _sine(level, 200.0 * (i + 1))
        key = f"mixer:{i + 1}"
        channel = Channel(key, name, "mixer", (name,), (("song", i),), i + 1, name in automated)
        analysis.channels.append(
            ChannelResult(name, METER.measure(solo), channel, faders.get(name, 1.0))
        )
        analysis.solos[key] = solo
        total += solo
    analysis.mix_samples = total
    analysis.mix = METER.measure(total)
    return analysis


def test_each_channel_gets_target_minus_level() -> None:
    plan = recommend(_mix({"Kick": -12.0, "Pad": -24.0}), mode="rms", target=-18.0)
    kick, pad = plan.channels
    assert kick.change_db == pytest.approx(-6.0, abs=0.02)
    assert pad.change_db == pytest.approx(6.0, abs=0.02)  # +6.0 is just inside +6.02
    assert kick.fader_after == pytest.approx(10 ** (-6 / 20), rel=1e-3)
    assert kick.reachable and pad.reachable
    assert "6.0 dB above the -18.0 dBFS RMS target" in kick.reason
    assert "fader down 6.0 dB" in kick.reason
    assert "fader up 6.0 dB" in pad.reason


def test_a_fader_that_is_already_up_shortens_the_reach() -> None:
    plan = recommend(_mix({"Pad": -24.0}, faders={"Pad": 1.5}), target=-18.0)
    (pad,) = plan.channels
    assert not pad.reachable
    assert pad.fader_after == pytest.approx(2.0)
    assert pad.change_db == pytest.approx(20 * math.log10(2.0 / 1.5), abs=1e-9)
    assert "the fader stops at +6.0 dB" in pad.reason and "turn up the instrument" in pad.reason


def test_preserve_balance_moves_everything_by_one_offset() -> None:
    plan = recommend(
        _mix({"Kick": -10.0, "Snare": -14.0, "Pad": -20.0}), target=-18.0, preserve_balance=True
    )
    changes = [c.change_db for c in plan.channels]
    assert changes == pytest.approx([-8.0] * 3, abs=0.05)
    assert plan.channels[0].target == pytest.approx(-18.0)  # the loudest lands on the target
    assert plan.channels[2].target == pytest.approx(-28.0, abs=0.05)  # distances kept
    assert all("common offset" in c.reason for c in plan.channels)


def test_lufs_mode_uses_integrated_loudness() -> None:
    analysis = _mix({"Lead": -20.0})
    plan = recommend(analysis, mode="lufs")  # default target -23 LUFS
    integrated = analysis.channels[0].measurement.integrated
    assert integrated is not None
    assert plan.target == -23.0
    assert plan.channels[0].change_db == pytest.approx(-23.0 - integrated, abs=1e-6)
    assert "LUFS" in plan.channels[0].reason


def test_silent_and_automated_channels_are_left_alone_with_a_reason() -> None:
    plan = recommend(_mix({"Ghost": None, "Swell": -30.0}, automated=("Swell",)))
    ghost, swell = plan.channels
    assert ghost.change_db == 0 and ghost.fader_after == ghost.fader_before
    assert "silent" in ghost.reason
    assert swell.change_db == 0 and "automated" in swell.reason


def test_on_target_is_left_alone() -> None:
    (item,) = recommend(_mix({"Keys": -18.02}), target=-18.0).channels
    assert item.change_db == 0 and item.reachable and "already on the" in item.reason


def test_master_comes_down_for_headroom_and_the_prediction_is_exact() -> None:
    analysis = _mix({"Kick": -6.0, "Bass": -7.0})  # loud: the sum peaks above 0 dBTP
    plan = recommend(analysis, target=-6.0, ceiling=-1.0)
    # the prediction equals the true peak of the really rescaled mix
    scaled = sum(c.fader_after / c.fader_before * analysis.solos[c.key] for c in plan.channels)
    actual = truepeak.to_db(float(truepeak.true_peak(METER.kernels, scaled).max()))
    assert plan.peak_predicted == pytest.approx(actual, abs=1e-9)
    assert plan.peak_predicted > -1.0
    assert plan.peak_predicted + plan.master_change_db == pytest.approx(-1.0 - MARGIN, abs=1e-9)
    assert "over the -1.0 dBTP ceiling" in plan.master_reason


def test_master_stays_when_there_is_headroom() -> None:
    plan = recommend(_mix({"Pad": -30.0}), target=-30.0)
    assert plan.master_after == plan.master_before
    assert "the master stays" in plan.master_reason


def test_json_has_no_nan_or_infinity() -> None:
    import json

    plan = recommend(_mix({"Ghost": None, "Pad": -24.0}))
    json.dumps(plan.to_json(), allow_nan=False)
