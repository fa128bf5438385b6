"""The pattern plugin module (entry point ``pattern`` in ``lmms_magenta.plugins``).

Cheap to import: no numpy, no onnxruntime. It contributes the shipped models (drum and
melody VAEs, encoder and decoder each), the four ``generate.*`` features
(:mod:`.features`) and the top-level ``lmms-magenta interpolate`` command
(:mod:`.cli`), which runs the ``generate.interpolate`` feature.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from lmms_magenta.hookspecs import hookimpl

if TYPE_CHECKING:
    import click

    from lmms_magenta.features import Feature

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


@hookimpl
def lmms_magenta_features() -> list[Feature]:
    """The ``generate.*`` features: drums, melody, variations, interpolate."""
    from .features import features

    return features()


@hookimpl
def lmms_magenta_cli_commands() -> list[click.Command]:
    """``lmms-magenta interpolate A B``: the ``generate.interpolate`` feature at top level."""
    from .cli import interpolate_command

    return [interpolate_command()]
