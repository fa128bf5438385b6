"""Reductions: ArgMax, ReduceMax, ReduceSum (the sampling steps of the decoders).

Two forms of sampling are in the exported decoders. The older one is
``argmax(logits / temperature + gumbel_noise)``: the chosen index stays on the device and
feeds the next step's embedding ``Gather``. The one that also runs on backends without
ArgMax or computed-index Gather (ncnn) makes a one-hot vector arithmetically::

    one_hot = 1 - ceil(clip(reduce_max(x, -1, keepdims) - x, 0, 1))

and multiplies it with constant tables (embedding, token number, drum hits). Either way
a 32-step unrolled decoder never round-trips to the host.

Every reduction runs on the input viewed as ``[outer, len, inner]`` (``cl/reduce.cl``).
Reduced axes that are adjacent once size-1 dimensions are ignored (``axes=[-1]``,
``[1, 2]``, or none: everything) are merged into ``len`` for free; other axis sets are
first moved to the end with one strided copy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..graph import Node
from ..plan import PlanBuilder
from ..tensors import CL_TYPES, DeviceTensor, HostArray, Value, contiguous_strides
from .base import Inputs, Op, copy_strided, host_ints, normalize_axis, vector

__all__ = ["REDUCTION_OPS"]


class ArgMax(Op):
    host_form = True

    def host(self, node: Node, inputs: Sequence[HostArray | None]) -> list[HostArray]:
        data = np.asarray(inputs[0])
        axis = normalize_axis(node.attr("axis", 0), data.ndim, node)
        if node.attr("select_last_index", 0):
            flipped = np.flip(data, axis=axis)
            out = data.shape[axis] - 1 - np.argmax(flipped, axis=axis)
        else:
            out = np.argmax(data, axis=axis)
        if node.attr("keepdims", 1):
            out = np.expand_dims(out, axis)
        return [np.asarray(out, dtype=np.int64)]

    def emit(self, node: Node, inputs: Inputs, b: PlanBuilder) -> list[Value]:
        assert inputs[0] is not None
        data = b.device(inputs[0])
        if data.dtype != np.float32:
            raise NotImplementedError(f"{node.describe()}: {data.dtype} input (float32 only)")
        axis = normalize_axis(node.attr("axis", 0), len(data.shape), node)
        length = data.shape[axis]
        inner = int(np.prod(data.shape[axis + 1 :], dtype=np.int64))
        shape = list(data.shape)
        if node.attr("keepdims", 1):
            shape[axis] = 1
        else:
            shape.pop(axis)
        out = b.alloc(shape, np.int64)
        if length == 0:
            raise ValueError(f"{node.describe()}: argmax over an empty axis")
        params = vector([length, inner, int(bool(node.attr("select_last_index", 0))), 0], "int4")
        b.launch("argmax_float", out.size, data, out, params)
        return [out]


def _lowest(dtype: np.dtype[Any]) -> Any:
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


class Reduce(Op):
    """``Reduce<Name>`` over a set of axes: kernel ``reduce_<name>_<type>``.

    The axes come from the ``axes`` attribute (ReduceMax up to opset 17) or the optional
    second input (ReduceSum from opset 13, ReduceMax from opset 18), negative ones
    counting from the end. No axes means every axis, or nothing at all with
    ``noop_with_empty_axes=1``. ``keepdims`` (default 1) keeps reduced axes as size 1.
    """

    host_form = True

    def __init__(
        self, kernel: str, numpy: Callable[..., Any], identity: Callable[..., Any]
    ) -> None:
        self.kernel = kernel
        self.numpy = numpy
        self.identity = identity

    def _axes(self, node: Node, rank: int, inputs: Inputs) -> list[int] | None:
        """The sorted reduced axes, or ``None`` for a no-op."""
        if node.attr("axes") is not None:
            wanted = [int(a) for a in node.attr("axes")]
        elif len(inputs) > 1 and inputs[1] is not None:
            wanted = host_ints(inputs[1], node, "axes")
        else:
            wanted = []
        if not wanted:
            return None if node.attr("noop_with_empty_axes", 0) else list(range(rank))
        return sorted({normalize_axis(a, rank, node) for a in wanted})

    @staticmethod
    def _out_shape(node: Node, shape: Sequence[int], axes: list[int]) -> list[int]:
        if node.attr("keepdims", 1):
            return [1 if i in axes else d for i, d in enumerate(shape)]
        return [d for i, d in enumerate(shape) if i not in axes]

    def host(self, node: Node, inputs: Sequence[HostArray | None]) -> list[HostArray]:
        data = np.asarray(inputs[0])
        axes = self._axes(node, data.ndim, inputs)
        if axes is None:
            return [data]
        keep = bool(node.attr("keepdims", 1))
        out = self.numpy(data, axis=tuple(axes), keepdims=keep, initial=self.identity(data.dtype))
        return [np.asarray(out, dtype=data.dtype)]

    def emit(self, node: Node, inputs: Inputs, b: PlanBuilder) -> list[Value]:
        assert inputs[0] is not None
        data = b.device(inputs[0])
        if data.dtype not in CL_TYPES or data.dtype == np.bool_:
            raise NotImplementedError(f"{node.describe()}: {data.dtype} input")
        axes = self._axes(node, len(data.shape), inputs)
        if axes is None:
            return [data]
        out = b.alloc(self._out_shape(node, data.shape, axes), data.dtype)
        source, outer, length, inner = _as_outer_len_inner(b, data, axes)
        b.launch(
            f"reduce_{self.kernel}_{CL_TYPES[data.dtype]}",
            outer * inner,
            source,
            out,
            vector([length, inner], "int2"),
        )
        if source is not data:
            b.release(source)
        return [out]


def _as_outer_len_inner(
    b: PlanBuilder, data: DeviceTensor, axes: list[int]
) -> tuple[DeviceTensor, int, int, int]:
    """``data`` (or a permuted copy) seen as [outer, len, inner] with ``axes`` in ``len``."""
    shape = data.shape
    size = int(np.prod(shape, dtype=np.int64))
    length = int(np.prod([shape[a] for a in axes], dtype=np.int64))
    spread = [i for i, d in enumerate(shape) if d != 1]  # size-1 axes do not matter
    reduced = [i for i in spread if i in axes]
    if not reduced:
        return data, size, 1, 1
    if spread.index(reduced[-1]) - spread.index(reduced[0]) == len(reduced) - 1:
        outer = int(np.prod(shape[: reduced[0]], dtype=np.int64))
        return data, outer, length, int(np.prod(shape[reduced[-1] + 1 :], dtype=np.int64))
    kept = [i for i in range(len(shape)) if i not in axes]
    perm = kept + axes
    moved = b.alloc([shape[p] for p in perm], data.dtype)
    b.hold(moved)
    strides = contiguous_strides(shape)
    copy_strided(b, data, moved, moved.shape, [strides[p] for p in perm])
    return moved, size // length, length, 1


REDUCTION_OPS: dict[str, Op] = {
    "ArgMax": ArgMax(),
    "ReduceMax": Reduce("max", np.max, _lowest),
    "ReduceSum": Reduce("sum", np.sum, lambda dtype: 0),
}
