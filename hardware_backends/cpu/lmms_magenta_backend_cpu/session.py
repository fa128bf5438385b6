"""One ONNX model loaded in ONNX Runtime, on its fast call path.

Measured on this project's models (benchmarks/backends.py): ``InferenceSession.run``
with the output names computed once is the fastest call; io_binding adds 5-10 us per
call for tensors this small, so it is not used. One intra-op thread with spinning off
is the default: for a GRU step or a small MLP a second thread only adds hand-off
cost, and spinning threads would steal CPU from the DAW's audio thread.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from lmms_magenta.hardware import TensorInfo

logger = logging.getLogger("lmms_magenta.backend.cpu")

#: ONNX Runtime type strings -> numpy dtype names
_DTYPES = {
    "tensor(float)": "float32",
    "tensor(double)": "float64",
    "tensor(float16)": "float16",
    "tensor(int64)": "int64",
    "tensor(int32)": "int32",
    "tensor(int8)": "int8",
    "tensor(uint8)": "uint8",
    "tensor(bool)": "bool",
}


def session_options(threads: int) -> Any:
    """Tuned ``SessionOptions``: all graph optimizations, sequential, ``threads`` intra-op."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3  # errors only: warnings go through our own log
    return options


def _info(arg: Any) -> TensorInfo:
    shape = tuple(dim if isinstance(dim, int) or dim is None else str(dim) for dim in arg.shape)
    return TensorInfo(arg.name, shape, _DTYPES.get(arg.type, arg.type))


class OrtSession:
    """A model in an ``onnxruntime.InferenceSession`` (CPU execution provider).

    ``run`` accepts arrays of any dtype that casts safely to the model's
    (``same_kind``), so the same feeds work on every backend.
    """

    def __init__(self, model_path: str | os.PathLike[str], *, threads: int = 1) -> None:
        import onnxruntime as ort

        self.path = os.fspath(model_path)
        self._session: Any = ort.InferenceSession(
            self.path, session_options(threads), providers=["CPUExecutionProvider"]
        )
        self._inputs = tuple(_info(arg) for arg in self._session.get_inputs())
        self._outputs = tuple(_info(arg) for arg in self._session.get_outputs())
        self._input_dtypes = [(t.name, np.dtype(t.dtype)) for t in self._inputs]
        self._output_names = [t.name for t in self._outputs]

    @property
    def inputs(self) -> Sequence[TensorInfo]:
        return self._inputs

    @property
    def outputs(self) -> Sequence[TensorInfo]:
        return self._outputs

    def run(self, feeds: Mapping[str, Any]) -> dict[str, np.ndarray[Any, Any]]:
        """Run once: numpy arrays by input name in, by output name out."""
        session = self._session
        if session is None:
            raise RuntimeError(f"session of {self.path} is closed")
        ready = {}
        for name, dtype in self._input_dtypes:
            try:
                value = feeds[name]
            except KeyError:
                takes = ", ".join(n for n, _ in self._input_dtypes)
                raise ValueError(f"missing input {name!r} (the model takes {takes})") from None
            if not isinstance(value, np.ndarray) or value.dtype != dtype:
                value = np.asarray(value).astype(dtype, casting="same_kind", copy=False)
            ready[name] = value
        results = session.run(self._output_names, ready)
        return dict(zip(self._output_names, results, strict=True))

    def close(self) -> None:
        """Free the runtime session (safe to call twice)."""
        self._session = None

    def __enter__(self) -> OrtSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
