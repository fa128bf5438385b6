"""The groove plugin module (entry point ``groove`` in ``lmms_magenta.plugins``).

Cheap to import: no numpy, no onnxruntime. It contributes the shipped model and the
two features, ``groove.humanize`` and ``groove.drumify`` (:mod:`.features`); the
model is opened through the model repository only when a feature runs.
"""

from __future__ import annotations

from pathlib import Path

from lmms_magenta.features import Feature
from lmms_magenta.hookspecs import hookimpl

#: Folder of the shipped GrooVAE model (ONNX + model.json + MODEL_CARD.md).
MODEL_DIR = Path(__file__).parent / "models" / "groove-vae-2bar"


@hookimpl
def lmms_magenta_models() -> list[Path]:
    """The manifest of the shipped groove model."""
    return [MODEL_DIR / "model.json"]


@hookimpl
def lmms_magenta_features() -> list[Feature]:
    """``groove.humanize`` and ``groove.drumify``."""
    from .features import features

    return features()
