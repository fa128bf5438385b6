"""The shipped model beats the groove-template baseline on a fixed validation subset.

A smaller, quick version of the model card's evaluation (the full one runs in
``lmms_magenta_groove.training.evaluate``): 8 validation performances from 7
drummers, about 130 two-bar windows.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from lmms_magenta_groove.plugin import MODEL_DIR
from lmms_magenta_groove.training.baselines import GrooveTemplate, jitter, straight
from lmms_magenta_groove.training.data import build_split
from lmms_magenta_groove.training.evaluate import OnnxGroove, humanize_metrics

pytest.importorskip("onnxruntime", reason="onnxruntime runs the shipped model")

SUBSET = (
    "drummer1/session1/2_funk_80_beat_4-4.mid",
    "drummer1/session1/38_latin-samba_116_beat_4-4.mid",
    "drummer3/session2/25_hiphop_92_beat_4-4.mid",
    "drummer4/session1/2_jazz_158_beat_4-4.mid",
    "drummer6/session3/1_rock_90_beat_4-4.mid",
    "drummer7/session1/14_jazz_100_beat_4-4.mid",
    "drummer7/session2/96_pop_142_beat_4-4.mid",
    "drummer8/session1/18_funk_108_beat_4-4.mid",
)


def test_humanize_beats_every_baseline_on_timing_and_velocity(groove_data: Path) -> None:
    val = build_split(groove_data, "validation", hop_bars=2, only=set(SUBSET))
    assert val.stats["used_performances"] == len(SUBSET) and len(val) > 100
    template = GrooveTemplate.load(MODEL_DIR / "groove-template.npz")
    model = humanize_metrics(val, *OnnxGroove(MODEL_DIR / "model.onnx").humanize(val, val.style))
    baselines = {
        "template": humanize_metrics(val, *template.predict(val.hits, val.style)),
        "straight": humanize_metrics(val, *straight(val.hits, template.mean_velocity)),
        "jitter": humanize_metrics(
            val,
            *jitter(val.hits, val.step_ms(), template.mean_velocity, np.random.default_rng(0)),
        ),
    }
    for name, base in baselines.items():
        assert model["timing_mae_ms"] < base["timing_mae_ms"], (name, model, base)
        assert model["velocity_mae"] < base["velocity_mae"], (name, model, base)
