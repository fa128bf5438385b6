"""One converted model loaded in ncnn, on a Vulkan device (or ncnn's CPU path).

**Precision.** ncnn computes in fp16 by default wherever the device allows (error up
to ~5e-4 on this project's models, FACTS.md). ``fp32`` therefore turns every
``use_fp16_*`` and ``use_bf16_*`` option off: results then match ONNX Runtime within
~2e-6. ``fp16`` (a separate conversion with fp16 weights) turns the fp16 options on.

**Batches.** The converted model computes batch size 1 (ncnn has no batch dimension),
so :meth:`NcnnSession.run` slices each input along its batch axis, runs the samples
one after another and concatenates the outputs along theirs. The common real-time
case, batch size 1, is one extractor run.

**Integers.** ncnn computes in floats; integer outputs are turned back into the
model's dtype as ONNX ``Cast`` would (:func:`as_onnx_dtype`).

**Bytes.** The session is built from the ``.param`` and ``.bin`` *bytes* the caller
verified (sha256) and keeps them alive as long as the net (ncnn may reference the
weights in place), so what runs is exactly what was checked.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from lmms_magenta.hardware import TensorInfo

from .blobs import BlobSpec
from .tools import load_ncnn

__all__ = ["PRECISIONS", "NcnnLoadError", "NcnnSession", "as_onnx_dtype", "configure"]

PRECISIONS = ("fp32", "fp16")


def configure(net: Any, precision: str, vulkan_device: int | None, threads: int) -> None:
    """Set a fresh ``ncnn.Net``'s options (before it loads anything)."""
    opt = net.opt
    opt.num_threads = threads
    fp16 = precision == "fp16"
    for name in ("use_fp16_packed", "use_fp16_storage", "use_fp16_arithmetic"):
        setattr(opt, name, fp16)
    opt.use_bf16_storage = False
    opt.use_bf16_packed = False
    opt.use_vulkan_compute = vulkan_device is not None
    if vulkan_device is not None:
        net.set_vulkan_device(vulkan_device)


class NcnnLoadError(RuntimeError):
    """ncnn refused the converted graph or weights (ncnn says why on stderr)."""


def as_onnx_dtype(value: np.ndarray[Any, Any], spec: BlobSpec) -> np.ndarray[Any, Any]:
    """ncnn's float32 result for output ``spec``, in the ONNX model's dtype.

    ncnn computes every tensor as floats. An integer output whose final ONNX ``Cast``
    was left to the session (:mod:`.rewrite`) gets that Cast's semantics: truncation
    toward zero. Any other integer output (an index ncnn computed itself) arrives as a
    float holding the integer exactly (below 2**24) and is rounded to it.
    """
    if not spec.dtype.startswith(("int", "uint")):
        return value.astype(spec.dtype, copy=False)
    whole: np.ndarray[Any, Any] = np.trunc(value) if spec.cast_from_float else np.rint(value)
    return whole.astype(spec.dtype)


def _sample(array: np.ndarray[Any, Any], axis: int | None, index: int) -> np.ndarray[Any, Any]:
    if axis is None:
        return array
    where: list[Any] = [slice(None)] * array.ndim
    where[axis] = slice(index, index + 1)
    part: np.ndarray[Any, Any] = array[tuple(where)]
    return part


class NcnnSession:
    """A converted model on one device; thread-safe (calls are serialized by a lock)."""

    def __init__(
        self,
        param: bytes,
        weights: bytes,
        inputs: Sequence[BlobSpec],
        outputs: Sequence[BlobSpec],
        *,
        vulkan_device: int | None,
        precision: str = "fp32",
        threads: int = 1,
        path: str = "",
    ) -> None:
        ncnn = load_ncnn()
        if precision not in PRECISIONS:
            raise ValueError(f"precision {precision} is not one of {', '.join(PRECISIONS)}")
        self.path = path
        self.precision = precision
        self._specs_in = tuple(inputs)
        self._specs_out = tuple(outputs)
        self._ncnn = ncnn
        net = ncnn.Net()
        configure(net, precision, vulkan_device, threads)
        of = f" of {path}" if path else ""
        if net.load_param_mem(param.decode("utf-8")) != 0:
            raise NcnnLoadError(f"ncnn cannot load the converted graph{of}")
        if net.load_model_mem(weights) not in (None, 0):
            raise NcnnLoadError(f"ncnn cannot load the converted weights{of}")
        self._weights = weights  # ncnn may point into these bytes: keep them alive
        self._net: Any = net
        self._lock = threading.Lock()
        self._inputs = tuple(TensorInfo(s.name, s.shape, s.dtype) for s in self._specs_in)
        self._outputs = tuple(TensorInfo(s.name, s.shape, s.dtype) for s in self._specs_out)

    @property
    def inputs(self) -> Sequence[TensorInfo]:
        return self._inputs

    @property
    def outputs(self) -> Sequence[TensorInfo]:
        return self._outputs

    def _arrays(self, feeds: Mapping[str, Any]) -> tuple[list[np.ndarray[Any, Any]], int]:
        """The inputs as arrays checked against the converted shapes, and the batch size."""
        arrays, batch = [], None
        for spec in self._specs_in:
            try:
                value = np.asarray(feeds[spec.name])
            except KeyError:
                takes = ", ".join(s.name for s in self._specs_in)
                raise ValueError(f"missing input {spec.name!r} (the model takes {takes})") from None
            fixed = [d for axis, d in enumerate(spec.sample_shape) if axis != spec.batch_axis]
            given = [d for axis, d in enumerate(value.shape) if axis != spec.batch_axis]
            if value.ndim != len(spec.sample_shape) or given != fixed:
                raise ValueError(
                    f"input {spec.name!r} has shape {value.shape}; the model takes {spec.shape}"
                )
            if spec.batch_axis is not None:
                size = value.shape[spec.batch_axis]
                if batch is not None and size != batch:
                    raise ValueError(f"inputs disagree on the batch size ({batch} and {size})")
                batch = size
            arrays.append(value)
        return arrays, 1 if batch is None else batch

    def _run_sample(self, arrays: Sequence[np.ndarray[Any, Any]], index: int) -> list[Any]:
        ncnn = self._ncnn
        extractor = self._net.create_extractor()
        keep = []  # the Mats wrap these buffers: keep them alive until extraction ends
        for spec, array in zip(self._specs_in, arrays, strict=True):
            data = np.ascontiguousarray(_sample(array, spec.batch_axis, index), spec.ncnn_dtype)
            mat = ncnn.Mat(data, batch_index=spec.ncnn_batch_index)
            keep.append((data, mat))
            extractor.input(spec.blob, mat)
        results = []
        for spec in self._specs_out:
            code, mat = extractor.extract(spec.blob)
            if code != 0:
                raise RuntimeError(f"ncnn failed to compute {spec.name!r} (error {code})")
            results.append(np.array(mat, dtype=np.float32).reshape(spec.sample_shape))
        return results

    def run(self, feeds: Mapping[str, Any]) -> dict[str, np.ndarray[Any, Any]]:
        """Run the model; every output has the ONNX model's dtype and batch layout."""
        with self._lock:
            if self._net is None:
                raise RuntimeError(f"session of {self.path} is closed")
            arrays, batch = self._arrays(feeds)
            samples = [self._run_sample(arrays, i) for i in range(batch)]
        out = {}
        for k, spec in enumerate(self._specs_out):
            parts = [sample[k] for sample in samples]
            if batch == 1:
                value = parts[0]
            elif spec.batch_axis is None:
                raise ValueError(f"output {spec.name!r} has no batch axis; run one sample a call")
            else:
                value = np.concatenate(parts, axis=spec.batch_axis)
            out[spec.name] = as_onnx_dtype(value, spec)
        return out

    def close(self) -> None:
        """Free the net and its device memory (safe to call twice)."""
        with self._lock:
            net, self._net = self._net, None
            if net is not None:
                net.clear()

    def __enter__(self) -> NcnnSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
