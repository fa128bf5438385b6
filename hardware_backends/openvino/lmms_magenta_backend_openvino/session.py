"""One ONNX model compiled by OpenVINO, on its fast call path.

OpenVINO reads the ONNX file directly (no conversion step). Calling
``InferRequest.infer(feeds)`` with fresh arrays copies and re-wraps every input and
costs 1.5-4x the inference itself for models this small, so a session instead:

- compiles the model once and creates one infer request;
- allocates one numpy buffer per input, wraps it once in an ``ov.Tensor`` that
  *shares* its memory, and sets that tensor on the request;
- on each call copies the new values into those buffers (``np.copyto``), runs
  ``infer()`` with no arguments, and copies the outputs out (the request reuses its
  output memory on the next call, so handing out views would be a trap).

A buffer is re-allocated only when an input's shape changes (a dynamic batch size).
benchmarks/backends.py measures this path against the naive one.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from lmms_magenta.hardware import TensorInfo

logger = logging.getLogger("lmms_magenta.backend.openvino")

#: our precision names -> OpenVINO's INFERENCE_PRECISION_HINT
PRECISION_HINTS = {"fp32": "f32", "fp16": "f16", "bf16": "bf16"}


def _shape(port: Any) -> tuple[int | str | None, ...]:
    return tuple(dim.get_length() if dim.is_static else None for dim in port.get_partial_shape())


class _Input:
    """One model input: its shared buffer and the tensor that wraps it."""

    __slots__ = ("buffer", "dtype", "index", "info")

    def __init__(self, index: int, info: TensorInfo) -> None:
        self.index = index
        self.info = info
        self.dtype = np.dtype(info.dtype)
        self.buffer: np.ndarray[Any, Any] | None = None


class OpenVinoSession:
    """A model compiled for one OpenVINO device with one reusable infer request.

    ``shapes`` (input name -> static shape) reshapes dynamic inputs before compiling,
    which makes a recurrent step ~10-20% faster when the batch size is known.

    Calls are serialized by a lock: the input buffers and the request are shared by
    every call (uncontended, the lock costs well under a microsecond).
    """

    def __init__(
        self,
        core: Any,
        model_path: str | os.PathLike[str],
        device_id: str,
        *,
        precision: str = "fp32",
        threads: int | None = 1,
        shapes: Mapping[str, Sequence[int]] | None = None,
    ) -> None:
        import openvino as ov

        self._ov = ov
        self.path = os.fspath(model_path)
        model = core.read_model(self.path)
        if shapes:
            model.reshape({name: ov.PartialShape(list(dims)) for name, dims in shapes.items()})
        config: dict[str, Any] = {"PERFORMANCE_HINT": "LATENCY"}
        # always explicit: CPUs with BF16 default to bf16, which is not fp32 accuracy
        config["INFERENCE_PRECISION_HINT"] = PRECISION_HINTS.get(precision, "f32")
        if device_id.upper().startswith("CPU") and threads:
            config["INFERENCE_NUM_THREADS"] = threads
        self._compiled: Any = core.compile_model(model, device_id, config)
        self._request: Any = self._compiled.create_infer_request()
        self._inputs = tuple(
            TensorInfo(port.get_any_name(), _shape(port), port.get_element_type().to_dtype().name)
            for port in self._compiled.inputs
        )
        self._outputs = tuple(
            TensorInfo(port.get_any_name(), _shape(port), port.get_element_type().to_dtype().name)
            for port in self._compiled.outputs
        )
        self._slots = [_Input(i, info) for i, info in enumerate(self._inputs)]
        self._output_names = [t.name for t in self._outputs]
        self._lock = threading.Lock()

    def _allocate(self, slot: _Input, shape: tuple[int, ...]) -> np.ndarray[Any, Any]:
        """A new shared buffer for ``slot`` (first call, or its shape changed)."""
        buffer = np.zeros(shape, dtype=slot.dtype)
        self._request.set_input_tensor(slot.index, self._ov.Tensor(buffer, shared_memory=True))
        slot.buffer = buffer
        return buffer

    @property
    def inputs(self) -> Sequence[TensorInfo]:
        return self._inputs

    @property
    def outputs(self) -> Sequence[TensorInfo]:
        return self._outputs

    def run(self, feeds: Mapping[str, Any]) -> dict[str, np.ndarray[Any, Any]]:
        """Copy ``feeds`` into the shared input buffers, infer, return output copies."""
        with self._lock:
            request = self._request
            if request is None:
                raise RuntimeError(f"session of {self.path} is closed")
            for slot in self._slots:
                try:
                    value = np.asarray(feeds[slot.info.name])
                except KeyError:
                    takes = ", ".join(s.info.name for s in self._slots)
                    raise ValueError(
                        f"missing input {slot.info.name!r} (the model takes {takes})"
                    ) from None
                buffer = slot.buffer
                if buffer is None or buffer.shape != value.shape:
                    buffer = self._allocate(slot, value.shape)
                np.copyto(buffer, value, casting="same_kind")
            request.infer()
            return {
                name: request.get_output_tensor(i).data.copy()
                for i, name in enumerate(self._output_names)
            }

    def close(self) -> None:
        """Release the infer request and the compiled model (safe to call twice)."""
        with self._lock:
            self._request = None
            self._compiled = None
            for slot in self._slots:
                slot.buffer = None

    def __enter__(self) -> OpenVinoSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
