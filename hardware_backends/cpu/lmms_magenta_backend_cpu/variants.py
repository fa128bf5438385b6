"""Which precision variants of a model exist, and which file holds each.

Convention shared by all lmms-magenta backends (and the model repository): the fp32
model is ``NAME.onnx``; other precisions sit beside it as ``NAME.int8.onnx`` (ONNX
Runtime dynamic int8 quantization) and ``NAME.fp16.onnx`` (lmms-magenta-models writes
them so). A model manifest mapping may instead name its files: ``{"path":
".../NAME.onnx", "variants": {"int8": "..."}}`` (relative variant paths are taken
relative to the fp32 file's folder).

A backend is handed one file (``open_session(kernel, path)``); that file's own
precision comes first in what the backend offers, so the variant the model repository
picked is the one that gets loaded.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

#: Precisions that live in their own file, by file-name suffix.
SUFFIX_PRECISIONS = ("int8", "fp16")


def file_precision(path: str | os.PathLike[str]) -> str:
    """The precision a model file holds, from its name (``m.int8.onnx`` -> ``int8``)."""
    name = Path(path).name
    for precision in SUFFIX_PRECISIONS:
        if name.endswith(f".{precision}{Path(path).suffix}"):
            return precision
    return "fp32"


def base_path(path: str | os.PathLike[str]) -> Path:
    """The fp32 file name for any variant's path (``m.int8.onnx`` -> ``m.onnx``)."""
    p = Path(path)
    precision = file_precision(p)
    if precision == "fp32":
        return p
    return p.with_name(p.name[: -len(f".{precision}{p.suffix}")] + p.suffix)


def model_variants(model: str | os.PathLike[str] | Mapping[str, Any]) -> dict[str, Path]:
    """Precision -> existing file, for a model path or manifest mapping."""
    declared: dict[str, Path] = {}
    if isinstance(model, Mapping):
        raw = model.get("path") or model.get("file")
        if not raw:
            return {}
        main = Path(raw)
        for precision, file in dict(model.get("variants") or {}).items():
            if isinstance(file, Mapping):  # the model repository's {"file": ...} entries
                file = file.get("file", "")
            candidate = Path(file)
            declared[str(precision)] = (
                candidate if candidate.is_absolute() else main.parent / candidate
            )
    else:
        main = Path(model)
    base = base_path(main)
    found = {"fp32": base}
    for precision in SUFFIX_PRECISIONS:
        found[precision] = base.with_name(f"{base.stem}.{precision}{base.suffix}")
    found.update(declared)
    return {precision: path for precision, path in found.items() if path.is_file()}


def variant_path(model_path: str | os.PathLike[str], precision: str) -> Path:
    """The file holding ``precision`` of the model at ``model_path`` (any of its variants).

    Raises ValueError naming the expected file when that variant does not exist.
    """
    variants = model_variants(model_path)
    if precision in variants:
        return variants[precision]
    wanted = base_path(model_path)
    if precision != "fp32":
        wanted = wanted.with_name(f"{wanted.stem}.{precision}{wanted.suffix}")
    raise ValueError(f"no {precision} variant of the model: {wanted} does not exist")


def own_precision(model: str | os.PathLike[str] | Mapping[str, Any]) -> str:
    """The precision of the file a backend was handed (a mapping may say ``precision``)."""
    if isinstance(model, Mapping):
        return str(model.get("precision") or file_precision(model.get("path") or "model.onnx"))
    return file_precision(model)
