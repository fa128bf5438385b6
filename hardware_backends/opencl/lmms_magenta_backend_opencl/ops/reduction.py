"""Reductions: ArgMax (the sampling step of the pattern decoders).

``argmax(logits / temperature + gumbel_noise)`` is how the exported decoders sample;
the chosen index stays on the device and feeds the next step's embedding ``Gather``,
so a 32-step unrolled decoder never round-trips to the host.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..graph import Node
from ..plan import PlanBuilder
from ..tensors import HostArray, Value
from .base import Inputs, Op, normalize_axis, vector

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


REDUCTION_OPS: dict[str, Op] = {"ArgMax": ArgMax()}
