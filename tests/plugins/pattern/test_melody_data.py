"""The melody data builder: ABC splitting, labels, meters and 2-bar windows (music21)."""

from __future__ import annotations

import numpy as np
import pytest
from lmms_magenta_pattern.melody_codec import NO_EVENT, NOTE_OFF, tokens_to_notes
from lmms_magenta_pattern.training.melody_data import (
    _meter_steps,
    _split_abc,
    _windows_of_part,
    label_of,
)

TUNE = """X: 7
T: Test Reel
M: C|
L: 1/8
R: reel
K: G
D | G2 B2 d2 g2 | fedc BAGF | G4 z4 | g8 |]
"""


def test_labels_come_from_rhythm_then_title() -> None:
    assert label_of("Reel", "") == "reel"
    assert label_of("double jig", "The Kid on the Mountain") == "other"
    assert label_of("", "Miss Hamilton's Hornpipe") == "hornpipe"
    assert label_of("highland fling", "") == "strathspey"


def test_meters() -> None:
    assert _meter_steps("C") == 16 and _meter_steps("C|") == 16 and _meter_steps("2/4") == 8
    assert _meter_steps("6/8") is None and _meter_steps("3/4") is None


def test_split_abc() -> None:
    text = "% header\n" + TUNE + "\n" + TUNE.replace("X: 7", "X: 8")
    tunes = _split_abc(text)
    assert [t.splitlines()[0] for t in tunes] == ["X: 7", "X: 8"]


def test_windows_of_a_real_tune() -> None:
    converter = pytest.importorskip("music21.converter")
    score = converter.parse(TUNE, format="abc")
    wins, stats = _windows_of_part(score.parts[0] if score.parts else score, 16)
    # 4 whole bars after the pickup -> windows at bars 1, 2, 3
    assert len(wins) == 3
    first = wins[0]
    assert tokens_to_notes(first)[:4] == [(0, 4, 67), (4, 4, 71), (8, 4, 74), (12, 4, 79)]
    # bar 3 = G4 z4: a note-off on the rest, then nothing
    second = wins[1]
    assert second[16] == 67 and second[24] == NOTE_OFF and second[25] == NO_EVENT
    assert all(w.dtype == np.int64 and w.shape == (32,) for w in wins)
    assert stats["windows_incomplete_bar"] == 1  # the one starting at the pickup
