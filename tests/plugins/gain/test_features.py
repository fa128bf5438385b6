"""``gain.analyze`` and ``gain.apply`` from Python, through the kernel's features.

The same parameters the CLI offers (``lmms_magenta_gain.params``) are the features'
schemas; here they are given as Python keywords. Projects are small generated songs
(two tracks, one bar: LMMS renders each in about 0.1 s).
"""

from __future__ import annotations

from pathlib import Path

import gain_support
import numpy as np
import pytest
import soundfile as sf
from lmms_magenta_gain.analysis import MixAnalysis
from lmms_magenta_gain.apply import StagingResult
from lmms_magenta_gain.params import ANALYZE, APPLY

from lmms_magenta.errors import ParameterError
from lmms_magenta.kernel import Kernel
from lmms_magenta.lmms import InstrumentTrack, LmmsNote, Project
from lmms_magenta.testing import KernelFactory


@pytest.fixture
def kernel(make_lmms_kernel: KernelFactory) -> Kernel:
    return make_lmms_kernel(["gain", "cpu"])


def _song(path: Path) -> Path:
    song = Project.new()
    for name, key, volume in (("Bass", 33, 100.0), ("Lead", 69, 40.0)):
        track = song.add_instrument_track(name, volume=volume)
        track.add_pattern(0, [LmmsNote(i * 48, 40, key + 2 * i) for i in range(4)])
    song.save(path, backup=False)
    return path


def test_the_kernel_offers_both_features_with_the_shared_schemas(kernel: Kernel) -> None:
    features = kernel.features()
    assert features["gain.analyze"].params is ANALYZE
    assert features["gain.apply"].params is APPLY
    assert {"mode", "rms_target", "lufs_target", "dry_run"} <= set(APPLY.names)


def test_analyze_an_audio_file(kernel: Kernel, tmp_path: Path) -> None:
    rate = 48000
    t = np.arange(5 * rate) / rate
    wave = 10 ** (-20 / 20) * np.sin(2 * np.pi * 997 * t)
    path = tmp_path / "tone.wav"
    sf.write(path, np.stack([wave, wave]).T, rate, subtype="FLOAT")
    result = kernel.feature("gain.analyze")(kernel, input=path)
    assert isinstance(result, MixAnalysis)
    (channel,) = result.channels
    assert channel.measurement.integrated == pytest.approx(-20.0, abs=0.1)


def test_bad_values_are_refused_before_anything_runs(kernel: Kernel, tmp_path: Path) -> None:
    song = _song(tmp_path / "song.mmp")
    apply = kernel.feature("gain.apply")
    with pytest.raises(ParameterError, match="'mode'"):
        apply(kernel, project=song, mode="loud")
    with pytest.raises(ParameterError, match="'output'"):
        apply(kernel, project=song, output=tmp_path / "out.wav")
    with pytest.raises(ParameterError, match="'project'"):
        apply(kernel)


@pytest.mark.lmms
def test_apply_from_python(kernel: Kernel, tmp_path: Path) -> None:
    gain_support.needs_lmms()
    song = _song(tmp_path / "song.mmp")
    original = song.read_bytes()
    apply = kernel.feature("gain.apply")

    dry = apply(kernel, project=song, mode="lufs", dry_run=True)
    assert isinstance(dry, StagingResult)
    assert dry.plan.target == -23.0  # the lufs mode's own default target
    assert (dry.saved, dry.backup) == (None, None)
    assert song.read_bytes() == original and not (tmp_path / "song.mmp.bak").exists()

    out = tmp_path / "staged.mmp"
    result = apply(kernel, project=song, mode="rms", rms_target=-20, auto=True, output=out)
    assert (result.saved, result.converged) == (out, True)
    assert result.plan.target == -20.0
    assert song.read_bytes() == original  # written to the output, the original untouched
    staged = Project.load(out)
    volumes = {t.name: t.volume for t in staged.tracks if isinstance(t, InstrumentTrack)}
    assert volumes["Bass"] != 100.0 and volumes["Lead"] != 40.0

    check = kernel.feature("gain.analyze")(kernel, input=out)
    for channel in check.channels:
        assert channel.measurement.level("rms") == pytest.approx(-20.0, abs=0.5), channel.name
