"""The pattern plugin module (entry point ``pattern`` in ``lmms_magenta.plugins``).

Cheap to import: no numpy, no onnxruntime. For now it contributes the shipped models
(drum and melody VAEs, encoder and decoder each); the generation feature and its
command line come with the feature session.
"""

from __future__ import annotations

from pathlib import Path

from lmms_magenta.hookspecs import hookimpl

#: Folder holding one sub-folder per shipped model (model.json + ONNX + card).
MODELS_DIR = Path(__file__).parent / "models"

#: The shipped models, encoder and decoder of each VAE as separate graphs.
MODEL_NAMES = (
    "drums-vae-2bar-encoder",
    "drums-vae-2bar-decoder",
    "melody-vae-2bar-encoder",
    "melody-vae-2bar-decoder",
)


@hookimpl
def lmms_magenta_models() -> list[Path]:
    """The manifests of the shipped models that exist in this installation."""
    paths = [MODELS_DIR / name / "model.json" for name in MODEL_NAMES]
    return [p for p in paths if p.is_file()]
