"""Conventions every accelerator backend plugin shares: speed bonus and model variants.

Backends are separate distributions (``lmms-magenta-backend-<name>``), but a device's
``preference`` must mean the same on every backend, and every backend must find a
model's precision variants where the model repository wrote them. Both rules live
here, once, so no backend can drift from the others.

**Speed bonus.** A device's ``preference`` is its backend's declared figure plus a
bonus from a measured latency, so ``auto`` prefers the device that is really faster on
this machine (a slow emulated GPU loses to a fast CPU path). The bonus is one point per
halving of the latency below 1 ms, capped at 9 so it never jumps a declared tier of
10: ``round(log2(1000 us / latency))``, clamped to 0..9. The latency is that of
:data:`PROBE_MODEL`, a 64 -> 256 -> 64 MLP of a few hundred bytes shipped with the
kernel (``lmms_magenta/data/probe_mlp.onnx``; tests/fixtures/models/build_models.py
builds it), timed with :func:`median_latency_us`. The kernel's probe cache keeps the
result, so this runs once per installation.

**Precision variants.** The fp32 model is ``NAME.onnx``; other precisions sit beside it
as ``NAME.int8.onnx`` (ONNX Runtime dynamic int8 quantization) and ``NAME.fp16.onnx``,
as lmms-magenta-models writes them. A model manifest mapping may instead name its
files: ``{"path": ".../NAME.onnx", "variants": {"int8": "..."}}`` (relative variant
paths are taken relative to the fp32 file's folder). A backend handed one file puts
that file's own precision first, so the variant the model repository picked is the
one that gets loaded.

Nothing heavy is imported here (no numpy, no runtime).
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

__all__ = [
    "MAX_BONUS",
    "PROBE_MODEL",
    "SUFFIX_PRECISIONS",
    "base_path",
    "file_precision",
    "median_latency_us",
    "model_variants",
    "own_precision",
    "positive_int",
    "speed_bonus",
    "variant_path",
]

#: The bundled probe benchmark model: input ``x`` (1, 64) float32 -> ``y`` (1, 64).
PROBE_MODEL = Path(__file__).with_name("data") / "probe_mlp.onnx"
MAX_BONUS = 9
#: Precisions that live in their own file, by file-name suffix.
SUFFIX_PRECISIONS = ("int8", "fp16")


# --- speed bonus --------------------------------------------------------------------------


def speed_bonus(latency_us: float) -> int:
    """Preference points for a measured per-call latency (0..9)."""
    if latency_us <= 0:
        return MAX_BONUS
    return max(0, min(MAX_BONUS, round(math.log2(1000.0 / latency_us))))


def median_latency_us(call: Callable[[], object], *, calls: int = 60, warmup: int = 10) -> float:
    """Median wall time of ``call()`` in microseconds (after ``warmup`` calls)."""
    for _ in range(warmup):
        call()
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    times.sort()
    return times[len(times) // 2] * 1e6


# --- settings -----------------------------------------------------------------------------


def positive_int(value: Any, what: str) -> int:
    """``value`` if it is a whole number >= 1 (``threads = 2``), else ValueError naming ``what``.

    Backends check their ``[plugins.<name>]`` settings with it; the kernel reports the
    error as the plugin's problem.
    """
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{what} must be a whole number >= 1, not {value!r}")
    return value


# --- precision variants -------------------------------------------------------------------


def file_precision(path: str | os.PathLike[str]) -> str:
    """The precision a model file holds, from its name (``m.int8.onnx`` -> ``int8``)."""
    p = Path(path)
    for precision in SUFFIX_PRECISIONS:
        if p.name.endswith(f".{precision}{p.suffix}"):
            return precision
    return "fp32"


def base_path(path: str | os.PathLike[str]) -> Path:
    """The fp32 file name for any variant's path (``m.int8.onnx`` -> ``m.onnx``)."""
    p = Path(path)
    precision = file_precision(p)
    if precision == "fp32":
        return p
    return p.with_name(p.name[: -len(f".{precision}{p.suffix}")] + p.suffix)


def _declared_variants(model: Mapping[str, Any], main: Path) -> dict[str, Path]:
    """The variant files a manifest mapping names (the repository's ``{"file": ...}`` too)."""
    declared: dict[str, Path] = {}
    for precision, file in dict(model.get("variants") or {}).items():
        if isinstance(file, Mapping):
            file = file.get("file", "")
        candidate = Path(file)
        declared[str(precision)] = candidate if candidate.is_absolute() else main.parent / candidate
    return declared


def model_variants(model: str | os.PathLike[str] | Mapping[str, Any]) -> dict[str, Path]:
    """Precision -> existing file, for a model path or manifest mapping."""
    declared: dict[str, Path] = {}
    if isinstance(model, Mapping):
        raw = model.get("path") or model.get("file")
        if not raw:
            return {}
        main = Path(raw)
        declared = _declared_variants(model, main)
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
