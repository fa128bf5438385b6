"""The groove plugin module (entry point ``groove`` in ``lmms_magenta.plugins``).

Cheap to import: no numpy, no onnxruntime. For now it contributes the shipped model;
the humanize / drumify features come with the kernel's feature and backend APIs.
"""

from __future__ import annotations

from pathlib import Path

from lmms_magenta.hookspecs import hookimpl

#: Folder of the shipped GrooVAE model (ONNX + model.json + MODEL_CARD.md).
MODEL_DIR = Path(__file__).parent / "models" / "groove-vae-2bar"


@hookimpl
def lmms_magenta_models() -> list[Path]:
    """The manifest of the shipped groove model."""
    return [MODEL_DIR / "model.json"]
