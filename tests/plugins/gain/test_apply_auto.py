"""``gain apply --auto`` on a real demo: every selected channel ends within 0.5 dB.

Verified after the fact with independent LMMS renders of the saved project (not the
plugin's renderer or its cache): each staged channel alone, and the whole mix for the
-1 dBTP ceiling. Three channels keep the LMMS time near 20 s.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import gain_support
import pytest
from lmms_magenta_gain import units
from lmms_magenta_gain.measure import LoudnessMeter

from lmms_magenta.cli import main
from lmms_magenta.lmms import Project

pytestmark = pytest.mark.lmms

CHANNELS = ["Kick", "Pinao", "Bass"]  # -4.6, +4.2 and -1.9 dB from -18 dBFS RMS


def test_apply_auto_reaches_every_target(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    song = tmp_path / "song.mmpz"
    shutil.copy(gain_support.demo_project(), song)
    original = song.read_bytes()
    code = main(["gain", "apply", str(song), "--auto", "--channels", ",".join(CHANNELS), "--json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    report = json.loads(out.out)
    assert report["auto"]["converged"] is True
    assert report["saved"] == str(song)
    assert Path(report["backup"]).read_bytes() == original  # the old file is kept
    moved = {c["name"]: c["change_db"] for c in report["plan"]["channels"]}
    assert moved["Kick"] < -3 and moved["Pinao"] > 3 and moved["Bass"] < -1

    staged = Project.load(song)
    found = units.select(units.channels(staged), CHANNELS, project=str(song))
    master = units.master_gain(staged)
    for channel in found:
        solo = tmp_path / f"solo-{channel.number}.mmp"
        units.solo_project(staged, channel).save(solo, backup=False)
        samples, rate = gain_support.render_with_lmms(solo, tmp_path)
        level = LoudnessMeter(rate).measure(samples / master).rms_active
        assert level == pytest.approx(-18.0, abs=0.5), channel.name
    mix, rate = gain_support.render_with_lmms(song, tmp_path)
    peak = LoudnessMeter(rate).measure(mix).true_peak
    assert peak is not None and peak <= -1.0 + 0.05
