"""Making fp16 / int8 variants of an fp32 model and measuring how far they drift.

Both conversions use the tools that ship inside onnxruntime, so the repository needs
no extra package:

- int8: ``onnxruntime.quantization.quantize_dynamic`` (int8 weights, activations
  quantized at run time; recurrent nodes stay fp32, FACTS.md);
- fp16: ``onnxruntime.transformers.float16.convert_float_to_float16`` with
  ``keep_io_types=True``, so the variant keeps the task contract's float32 inputs and
  outputs. An operator the CPU provider has no fp16 kernel for (GRU, for one) is kept
  in fp32: the converted file is test-loaded and each such operator type is added to
  the block list until it loads.

The drift is measured against fp32 on ``samples`` random input sets built from the
task contract (floats ~ N(0, 1), ints in [0, 2), symbolic sizes 1), both run with the
reference CPU provider, and recorded in the manifest (``max_abs_diff``,
``mean_abs_diff``).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from lmms_magenta.errors import ModelError

from .onnx_check import GraphTensor
from .tasks import Contract

__all__ = ["CONVERSIONS", "convert_file", "measure_drift", "sample_feeds"]

#: precision -> tool recorded in the manifest
CONVERSIONS = {
    "int8": "onnxruntime.quantization.quantize_dynamic",
    "fp16": "onnxruntime.transformers.float16.convert_float_to_float16",
}
_NO_KERNEL = re.compile(r"Could not find an implementation for (\w+)\(")


def _cpu_session(path: Path) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    options.intra_op_num_threads = 1
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def sample_feeds(inputs: dict[str, GraphTensor], contract: Contract, seed: int) -> dict[str, Any]:
    """Random feeds for the graph's inputs (shapes: graph dims, else contract ints, else 1)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    feeds: dict[str, Any] = {}
    for name, spec in contract.inputs.items():
        graph_shape = inputs[name].shape if name in inputs else None
        shape = []
        for axis, want in enumerate(spec.shape):
            got = graph_shape[axis] if graph_shape is not None else None
            shape.append(got if isinstance(got, int) else want if isinstance(want, int) else 1)
        if spec.dtype.startswith("float"):
            feeds[name] = rng.standard_normal(shape).astype(spec.dtype)
        elif spec.dtype == "bool":
            feeds[name] = rng.integers(0, 2, shape).astype(bool)
        else:
            feeds[name] = rng.integers(0, 2, shape).astype(spec.dtype)
    return feeds


def measure_drift(
    reference: Path, variant: Path, contract: Contract, samples: int = 8
) -> tuple[float, float]:
    """(max, mean) absolute difference of the contract's outputs, variant vs reference."""
    import numpy as np
    import onnx

    from .onnx_check import graph_tensors

    inputs, _ = graph_tensors(onnx.load(str(reference), load_external_data=False))
    ref, var = _cpu_session(reference), _cpu_session(variant)
    names = list(contract.outputs)
    worst, total, count = 0.0, 0.0, 0
    for seed in range(samples):
        feeds = sample_feeds(inputs, contract, seed)
        for a, b in zip(ref.run(names, feeds), var.run(names, feeds), strict=True):
            diff = np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64))
            if diff.size:
                worst = max(worst, float(diff.max()))
                total += float(diff.sum())
                count += diff.size
    return worst, (total / count if count else 0.0)


def _int8(src: Path, dst: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(src), str(dst), weight_type=QuantType.QInt8)


def _fp16(src: Path, dst: Path) -> None:
    import onnx
    from onnxruntime.transformers.float16 import DEFAULT_OP_BLOCK_LIST, convert_float_to_float16

    model = onnx.load(str(src))
    blocked = list(DEFAULT_OP_BLOCK_LIST)
    for _ in range(16):
        converted = convert_float_to_float16(model, keep_io_types=True, op_block_list=blocked)
        onnx.save(converted, str(dst))
        try:
            _cpu_session(dst)
            return
        except Exception as exc:  # onnxruntime raises its own Fail/NotImplemented types
            missing = _NO_KERNEL.search(str(exc))
            if missing is None or missing.group(1) in blocked:
                raise
            blocked.append(missing.group(1))  # no fp16 kernel: keep that op in fp32
    raise RuntimeError("too many operators without an fp16 kernel")


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
