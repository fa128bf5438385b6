"""Data-movement ops: Concat, Split, Slice, Transpose, Expand, Gather.

On the device each is one strided copy per input or output (``copy_<itemsize>`` in
``cl/copy.cl``; Expand reads broadcast dimensions with stride 0) or one gather
(``gather_<itemsize>``), whatever the dtype. Each also has a numpy form for values
known on the host (shape tensors, constants).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..graph import Node
from ..plan import PlanBuilder
from ..tensors import DeviceTensor, HostArray, Value, broadcast_strides, contiguous_strides
from .base import Inputs, Op, copy_strided, host_ints, normalize_axis, shape_of, vector

__all__ = ["MOVEMENT_OPS"]


def _present(inputs: Inputs) -> list[Value]:
    return [v for v in inputs if v is not None]


class Concat(Op):
    host_form = True

    def host(self, node: Node, inputs: Sequence[HostArray | None]) -> list[HostArray]:
        parts = [np.asarray(v) for v in inputs if v is not None]
        axis = normalize_axis(node.attr("axis"), parts[0].ndim, node)
        return [np.concatenate(parts, axis=axis)]

    def emit(self, node: Node, inputs: Inputs, b: PlanBuilder) -> list[Value]:
        parts = [b.device(v) for v in _present(inputs)]
        rank = len(parts[0].shape)
        axis = normalize_axis(node.attr("axis"), rank, node)
        out_shape = list(parts[0].shape)
        out_shape[axis] = sum(p.shape[axis] for p in parts)
        out = b.alloc(out_shape, parts[0].dtype)
        out_strides = contiguous_strides(out_shape)
        start = 0
        for part in parts:
            copy_strided(
                b,
                part,
                out,
                part.shape,
                contiguous_strides(part.shape),
                dst_strides=out_strides,
                dst_offset=start * out_strides[axis],
            )
            start += part.shape[axis]
        return [out]


class Split(Op):
    host_form = True

    def _sizes(self, node: Node, shape: tuple[int, ...], inputs: Inputs) -> tuple[int, list[int]]:
        axis = normalize_axis(node.attr("axis", 0), len(shape), node)
        if len(inputs) > 1 and inputs[1] is not None:
            return axis, host_ints(inputs[1], node, "split sizes")
        count = node.attr("num_outputs", len(node.outputs))
        each = -(-shape[axis] // count)  # ceil, like ONNX opset 18
        sizes = [min(each, max(shape[axis] - i * each, 0)) for i in range(count)]
        return axis, sizes

    def host(self, node: Node, inputs: Sequence[HostArray | None]) -> list[HostArray]:
        data = np.asarray(inputs[0])
        axis, sizes = self._sizes(node, data.shape, inputs)
        return list(np.split(data, np.cumsum(sizes)[:-1], axis=axis))

    def emit(self, node: Node, inputs: Inputs, b: PlanBuilder) -> list[Value]:
        assert inputs[0] is not None
        data = b.device(inputs[0])
        axis, sizes = self._sizes(node, data.shape, inputs)
        strides = contiguous_strides(data.shape)
        outs: list[Value] = []
        start = 0
        for size in sizes:
            shape = list(data.shape)
            shape[axis] = size
            out = b.alloc(shape, data.dtype)
            copy_strided(b, data, out, shape, strides, src_offset=start * strides[axis])
            outs.append(out)
            start += size
        return outs


class Slice(Op):
    host_form = True

    def _ranges(self, node: Node, shape: tuple[int, ...], inputs: Inputs) -> list[range]:
        starts = host_ints(inputs[1], node, "starts")
        ends = host_ints(inputs[2], node, "ends")
        given = len(inputs) > 3 and inputs[3] is not None
        axes = host_ints(inputs[3], node, "axes") if given else list(range(len(starts)))
        given = len(inputs) > 4 and inputs[4] is not None
        steps = host_ints(inputs[4], node, "steps") if given else [1] * len(starts)
        ranges = [range(d) for d in shape]
        for start, end, axis, step in zip(starts, ends, axes, steps, strict=True):
            axis = normalize_axis(axis, len(shape), node)
            ranges[axis] = range(*slice(start, end, step).indices(shape[axis]))
        return ranges

    def host(self, node: Node, inputs: Sequence[HostArray | None]) -> list[HostArray]:
        data = np.asarray(inputs[0])
        ranges = self._ranges(node, data.shape, inputs)
        return [data[tuple(slice(r.start, r.stop, r.step) for r in ranges)]]

    def emit(self, node: Node, inputs: Inputs, b: PlanBuilder) -> list[Value]:
        assert inputs[0] is not None
        data = b.device(inputs[0])
        ranges = self._ranges(node, data.shape, inputs)
        strides = contiguous_strides(data.shape)
        shape = [len(r) for r in ranges]
        offset = sum(r.start * s for r, s in zip(ranges, strides, strict=True) if len(r))
        out = b.alloc(shape, data.dtype)
        src = [s * r.step for r, s in zip(ranges, strides, strict=True)]
        copy_strided(b, data, out, shape, src, src_offset=offset)
        return [out]


class Transpose(Op):
    host_form = True

    def _perm(self, node: Node, rank: int) -> list[int]:
        perm = node.attr("perm")
        return list(reversed(range(rank))) if perm is None else [int(p) for p in perm]

    def host(self, node: Node, inputs: Sequence[HostArray | None]) -> list[HostArray]:
        data = np.asarray(inputs[0])
        return [np.ascontiguousarray(np.transpose(data, self._perm(node, data.ndim)))]

    def emit(self, node: Node, inputs: Inputs, b: PlanBuilder) -> list[Value]:
        assert inputs[0] is not None
        data = b.device(inputs[0])
        perm = self._perm(node, len(data.shape))
        strides = contiguous_strides(data.shape)
        shape = [data.shape[p] for p in perm]
        out = b.alloc(shape, data.dtype)
        copy_strided(b, data, out, shape, [strides[p] for p in perm])
        return [out]


class Expand(Op):
    """Broadcast to ``shape`` (numpy rules both ways: a 1 in ``shape`` keeps the input's)."""

    host_form = True

    @staticmethod
    def _shape(node: Node, data: Value, inputs: Inputs) -> tuple[int, ...]:
        wanted = host_ints(inputs[1] if len(inputs) > 1 else None, node, "the shape")
        return tuple(int(d) for d in np.broadcast_shapes(shape_of(data), tuple(wanted)))

    def host(self, node: Node, inputs: Sequence[HostArray | None]) -> list[HostArray]:
        data = np.asarray(inputs[0])
        return [np.broadcast_to(data, self._shape(node, data, inputs)).copy()]

    def emit(self, node: Node, inputs: Inputs, b: PlanBuilder) -> list[Value]:
        assert inputs[0] is not None
        data = b.device(inputs[0])
        shape = self._shape(node, data, inputs)
        out = b.alloc(shape, data.dtype)
        copy_strided(b, data, out, shape, broadcast_strides(data.shape, shape))
        return [out]


class Gather(Op):
    host_form = True

    def host(self, node: Node, inputs: Sequence[HostArray | None]) -> list[HostArray]:
        data, indices = np.asarray(inputs[0]), np.asarray(inputs[1])
        axis = normalize_axis(node.attr("axis", 0), data.ndim, node)
        return [np.take(data, indices, axis=axis)]

    def emit(self, node: Node, inputs: Inputs, b: PlanBuilder) -> list[Value]:
        assert inputs[0] is not None and inputs[1] is not None
        data = b.device(inputs[0])
        indices = inputs[1]
        if not isinstance(indices, DeviceTensor):
            indices = np.asarray(indices, dtype=np.int64)
        elif indices.dtype != np.int64:
            raise NotImplementedError(f"{node.describe()}: device indices must be int64")
        index = b.device(indices)
        axis = normalize_axis(node.attr("axis", 0), len(data.shape), node)
        shape = (*data.shape[:axis], *shape_of(index), *data.shape[axis + 1 :])
        out = b.alloc(shape, data.dtype)
        inner = int(np.prod(data.shape[axis + 1 :], dtype=np.int64))
        count = int(np.prod(shape, dtype=np.int64))
        if count:
            params = vector([data.shape[axis], inner, index.size, 0], "int4")
            b.launch(f"gather_{data.dtype.itemsize}", count, data, index, out, params)
        return [out]


MOVEMENT_OPS: dict[str, Op] = {
    "Concat": Concat(),
    "Split": Split(),
    "Slice": Slice(),
    "Transpose": Transpose(),
    "Expand": Expand(),
    "Gather": Gather(),
}
