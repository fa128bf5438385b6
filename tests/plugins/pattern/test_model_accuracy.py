"""The drum model's card is checked, not trusted: its accuracy measured again here.

The validation split of the Groove MIDI Dataset is quantized into 2-bar windows by the
training's own data builder, each window encoded with the shipped ONNX encoder
(``z = mu``) and decoded greedily with the shipped ONNX decoder (zero noise: each step
fed the decoder's own previous choice). The share of steps that come back exactly is
the card's *sampled* accuracy; the issue's goal is 0.90. Skips without the dataset.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from lmms_magenta_pattern.drum_codec import hits_to_classes
from lmms_magenta_pattern.plugin import MODELS_DIR
from lmms_magenta_pattern.training.drum_data import build_cache
from pattern_support import shipped_session

ort = pytest.importorskip("onnxruntime", reason="onnxruntime runs the shipped models")

GOAL = 0.90


@pytest.fixture(scope="module")
def validation_hits(groove_data: Path, tmp_path_factory: pytest.TempPathFactory) -> np.ndarray:
    out = tmp_path_factory.mktemp("drum-windows") / "validation.npz"
    build_cache(groove_data, out, splits=("validation",))
    with np.load(out) as z:
        assert z["validation"].all()
        hits: np.ndarray = z["hits"].astype(np.float32)
    return hits


def test_sampled_accuracy_on_validation_is_what_the_card_says(validation_hits: np.ndarray) -> None:
    encoder = shipped_session("drums-vae-2bar-encoder")
    decoder = shipped_session("drums-vae-2bar-decoder")
    manifest = json.loads((MODELS_DIR / "drums-vae-2bar-decoder" / "model.json").read_text())
    right, total = 0, 0
    for start in range(0, len(validation_hits), 256):
        hits = validation_hits[start : start + 256]
        mu = encoder.run(["mu"], {"hits": hits})[0]
        n, vocab = len(hits), manifest["contract"]["inputs"]["noise"]["shape"][-1]
        feeds = {
            "z": mu,
            "noise": np.zeros((n, 32, vocab), np.float32),
            "temperature": np.ones(n, np.float32),
        }
        classes = decoder.run(["classes"], feeds)[0]
        right += int((classes == hits_to_classes(hits)).sum())
        total += classes.size
    sampled = right / total
    assert len(validation_hits) > 2000  # the whole split, not a sample of it
    assert sampled >= GOAL
    assert sampled == pytest.approx(manifest["metrics"]["validation.sampled_accuracy"], abs=2e-3)
