"""Making fp16 / int8 variants of an fp32 model and measuring how far they drift.

Both conversions use the tools that ship inside onnxruntime, so the repository needs
no extra package:

- int8: ``onnxruntime.quantization.quantize_dynamic`` (int8 weights, activations
  quantized at run time; recurrent nodes stay fp32, FACTS.md);
- fp16: ``onnxruntime.transformers.float16.convert_float_to_float16`` with
  ``keep_io_types=True``, so the variant keeps the task contract's float32 inputs and
  outputs, then sorted topologically (the converter appends its Cast nodes, which
  ``onnx.checker`` rejects). Operators the CPU provider has no fp16 kernel for run
  through the casts onnxruntime inserts itself.

How far a variant drifts from fp32 is measured by :mod:`lmms_magenta_models.drift`.
"""

from __future__ import annotations

import os
from pathlib import Path

from lmms_magenta.errors import ModelError

__all__ = ["CONVERSIONS", "convert_file"]

#: precision -> tool recorded in the manifest
CONVERSIONS = {
    "int8": "onnxruntime.quantization.quantize_dynamic",
    "fp16": "onnxruntime.transformers.float16.convert_float_to_float16",
}


def _int8(src: Path, dst: Path) -> None:
    import logging

    from onnxruntime.quantization import QuantType, quantize_dynamic

    # quantize_dynamic logs "consider pre-processing" on the root logger: not for users
    logging.disable(logging.WARNING)
    try:
        quantize_dynamic(str(src), str(dst), weight_type=QuantType.QInt8)
    finally:
        logging.disable(logging.NOTSET)


def _fp16(src: Path, dst: Path) -> None:
    import onnx
    from onnxruntime.transformers.float16 import convert_float_to_float16
    from onnxruntime.transformers.onnx_model import OnnxModel

    converted = OnnxModel(convert_float_to_float16(onnx.load(str(src)), keep_io_types=True))
    # the converter appends its Cast nodes at the end; onnx.checker wants topological order
    converted.topological_sort(is_deterministic=True)
    onnx.save(converted.model, str(dst))


def convert_file(src: Path, dst: Path, precision: str) -> str:
    """Write the ``precision`` variant of ``src`` to ``dst``; returns the tool used.

    Raises ModelError naming ``src`` when the tool fails.
    """
    if precision not in CONVERSIONS:
        raise ModelError(
            f"cannot convert to {precision!r}: choose one of {', '.join(CONVERSIONS)}", path=src
        )
    try:
        (_int8 if precision == "int8" else _fp16)(src, dst)
    except Exception as exc:  # the converters raise anything from onnx/onnxruntime
        if dst.exists():
            os.unlink(dst)
        text = str(exc).strip().splitlines()
        detail = text[0] if text else type(exc).__name__
        raise ModelError(f"{CONVERSIONS[precision]} failed: {detail}", path=src) from exc
    return CONVERSIONS[precision]
