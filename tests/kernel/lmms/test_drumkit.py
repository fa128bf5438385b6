"""Guessing an LMMS instrument's drum class from its name, sample and plugin (lmms.drumkit)."""

from __future__ import annotations

import pytest

from lmms_magenta.lmms.drumkit import drum_class_for_instrument
from lmms_magenta.music import DrumClass


@pytest.mark.parametrize(
    ("name", "sample", "plugin", "expected"),
    [
        # the names in LMMS's CapDan-ReggaeTry demo
        ("BD 03", "drums/bassdrum03.ogg", "audiofileprocessor", DrumClass.KICK),
        ("Snare 05", "", "", DrumClass.SNARE),
        ("Open HiHat 02", "", "", DrumClass.OPEN_HIHAT),
        ("Closed HihHat 03", "", "", DrumClass.CLOSED_HIHAT),
        # a neutral name: the sample decides
        ("Track 3", "drums/hihat_opened02.ogg", "audiofileprocessor", DrumClass.OPEN_HIHAT),
        ("AudioFileProcessor", "drums/tom_low01.ogg", "audiofileprocessor", DrumClass.LOW_TOM),
        ("Kicker", "", "kicker", DrumClass.KICK),
        ("OH", "", "", DrumClass.OPEN_HIHAT),
        ("HH", "", "", DrumClass.CLOSED_HIHAT),
        ("Floor Tom", "", "", DrumClass.LOW_TOM),
        ("Hi Tom", "", "", DrumClass.HIGH_TOM),
        ("tom_mid01", "", "", DrumClass.MID_TOM),
        ("Tom", "", "", DrumClass.MID_TOM),
        ("Crash 1", "", "", DrumClass.CRASH),
        ("Ride Bell", "", "", DrumClass.RIDE),
        ("clap01", "", "", DrumClass.SNARE),
        ("Shaker", "", "", DrumClass.CLOSED_HIHAT),
        # the name wins over the sample
        ("Snare", "drums/kick01.ogg", "audiofileprocessor", DrumClass.SNARE),
    ],
)
def test_drum_names(name: str, sample: str, plugin: str, expected: DrumClass) -> None:
    assert drum_class_for_instrument(name, sample, plugin) is expected


@pytest.mark.parametrize(
    ("name", "sample", "plugin"),
    [
        ("Bass Slap 02", "bassloops/slap.ogg", "audiofileprocessor"),
        ("E-Piano", "", "audiofileprocessor"),
        ("Strings (high)", "", "tripleoscillator"),
        ("Lead", "", "tripleoscillator"),
    ],
)
def test_other_instruments_are_no_drums(name: str, sample: str, plugin: str) -> None:
    assert drum_class_for_instrument(name, sample, plugin) is None
