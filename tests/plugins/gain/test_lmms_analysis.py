"""Analyzing a real LMMS project: solo renders with the real LMMS, aligned and measured.

The strong oracle (FACTS.md): solo renders of a partition of the song add up to the
full mix, sample by sample - which checks the channel split, the muting and the
length alignment at once.
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import gain_support
import numpy as np
import pytest
from lmms_magenta_gain.analysis import MixAnalysis, analyze_project
from lmms_magenta_gain.measure import LoudnessMeter
from lmms_magenta_gain.render import Renderer

from lmms_magenta.lmms import Project

pytestmark = pytest.mark.lmms


@pytest.fixture(scope="module")
def analysis() -> MixAnalysis:
    project = Project.load(gain_support.demo_project())
    with Renderer() as renderer:
        result = analyze_project(project, renderer)
        assert renderer.renders >= 8  # the mix + 7 channels (+ retries after a crash)
    return result


def test_solo_renders_add_up_to_the_mix(analysis: MixAnalysis) -> None:
    assert analysis.mix_samples is not None
    total = sum(analysis.solos.values())
    assert isinstance(total, np.ndarray) and total.shape == analysis.mix_samples.shape
    assert np.abs(total - analysis.mix_samples).max() < 1e-6
    assert np.abs(analysis.mix_samples).max() > 0.1  # not silence


def test_every_channel_is_measured(analysis: MixAnalysis) -> None:
    assert [r.name for r in analysis.channels][:2] == ["Kick", "Snare"]
    for result in analysis.channels:
        m = result.measurement
        assert not m.silent, result.name
        for value in (m.integrated, m.rms_active, m.true_peak, m.loudness_range):
            assert value is not None and math.isfinite(value), result.name
        assert m.true_peak is not None and m.sample_peak is not None
        assert m.true_peak >= m.sample_peak
    assert analysis.mix is not None and analysis.mix.integrated is not None
    # seven parts together are louder than the loudest part
    loudest = max(r.measurement.integrated or -99 for r in analysis.channels)
    assert analysis.mix.integrated > loudest
    json.dumps(analysis.to_json(), allow_nan=False)


def test_mix_matches_an_independent_render(analysis: MixAnalysis, tmp_path: Path) -> None:
    samples, rate = gain_support.render_with_lmms(gain_support.demo_project(), tmp_path)
    assert rate == analysis.rate
    assert analysis.mix_samples is not None
    n = min(samples.shape[1], analysis.mix_samples.shape[1])
    assert np.abs(samples[:, :n] - analysis.mix_samples[:, :n]).max() < 1e-6
    assert LoudnessMeter(rate).integrated(samples) == pytest.approx(
        analysis.mix.integrated if analysis.mix else None, abs=1e-4
    )


def test_channel_levels_are_measured_before_the_master(
    analysis: MixAnalysis, tmp_path: Path
) -> None:
    """Halving the master volume halves the mix but leaves the channel levels alone."""
    copy = tmp_path / "half.mmpz"
    shutil.copy(gain_support.demo_project(), copy)
    project = Project.load(copy)
    project.master_volume = 50.0
    with Renderer() as renderer:
        half = analyze_project(project, renderer, wanted=["Kick"])
    kick = half.channels[0].measurement
    before = analysis.channels[0].measurement
    assert kick.rms_active == pytest.approx(before.rms_active, abs=1e-3)
    assert half.mix is not None and analysis.mix is not None
    assert half.mix.integrated == pytest.approx(analysis.mix.integrated - 6.02, abs=0.01)
