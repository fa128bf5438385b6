"""One ONNX model loaded on one OpenCL device: the backend's Session.

The session owns an :class:`~.executor.Executor` (weights on the device, plans per
input shapes) and its own in-order command queue on the device's shared context
(:mod:`.programs`). ``run`` casts feeds like the CPU backend does (``same_kind``, so
the same feeds work on every backend) and is serialized by a lock, since plans reuse
their device buffers on every call.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from lmms_magenta.hardware import TensorInfo

from .executor import Executor
from .graph import Graph
from .programs import Runtime

__all__ = ["OpenClSession"]


class OpenClSession:
    """A model ready to run on an OpenCL device (the kernel's ``Session`` protocol)."""

    def __init__(self, graph: Graph, runtime: Runtime) -> None:
        self.path = os.fspath(graph.path)
        self._inputs = graph.inputs
        self._outputs = graph.outputs
        self._dtypes = [(t.name, np.dtype(t.dtype)) for t in graph.inputs]
        self._executor: Executor | None = Executor(graph, runtime, runtime.queue())
        self._lock = threading.Lock()

    @property
    def inputs(self) -> Sequence[TensorInfo]:
        return self._inputs

    @property
    def outputs(self) -> Sequence[TensorInfo]:
        return self._outputs

    def run(self, feeds: Mapping[str, Any]) -> dict[str, np.ndarray[Any, Any]]:
        """Run once: numpy arrays by input name in, by output name out."""
        arrays = []
        for name, dtype in self._dtypes:
            try:
                value = feeds[name]
            except KeyError:
                takes = ", ".join(n for n, _ in self._dtypes)
                raise ValueError(f"missing input {name!r} (the model takes {takes})") from None
            array = np.asarray(value)
            if array.dtype != dtype:
                array = array.astype(dtype, casting="same_kind")
            if not array.flags.c_contiguous:
                array = array.copy(order="C")  # (ascontiguousarray would make 0-d 1-d)
            arrays.append(array)
        with self._lock:
            executor = self._executor
            if executor is None:
                raise RuntimeError(f"session of {self.path} is closed")
            return executor.run(arrays)

    def close(self) -> None:
        """Free the device memory of this session (safe to call twice)."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.close()

    def __enter__(self) -> OpenClSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
