"""The shipped model beats the groove-template baseline on a fixed validation subset.

A quicker version of the model card's evaluation (the full one runs in
``lmms_magenta_groove.training.evaluate``): every other validation performance,
about 500 non-overlapping two-bar windows (a few seconds).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from lmms_magenta_groove.plugin import MODEL_DIR
from lmms_magenta_groove.training.baselines import GrooveTemplate, jitter, straight
from lmms_magenta_groove.training.data import build_split, read_index
from lmms_magenta_groove.training.evaluate import OnnxGroove, humanize_metrics

pytest.importorskip("onnxruntime", reason="onnxruntime runs the shipped model")

#: Every other 4/4 validation performance in info.csv order: fixed, not hand-picked.
SUBSET_STRIDE = 2


def test_humanize_beats_every_baseline_on_timing_and_velocity(groove_data: Path) -> None:
    rows = [r for r in read_index(groove_data, "validation") if r["time_signature"] == "4-4"]
    subset = {r["midi_filename"] for r in rows[::SUBSET_STRIDE]}
    val = build_split(groove_data, "validation", hop_bars=2, only=subset)
    assert val.stats["used_performances"] == len(subset) and len(val) > 300
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
