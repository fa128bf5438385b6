"""Shape-class ops: values that only change how data is seen, and constants.

``Identity``, ``Reshape``, ``Squeeze``, ``Unsqueeze`` and ``Flatten`` on a device tensor
are *views* (the same buffer, a new shape: no kernel). ``Shape`` reads only the shape,
which the host always knows, so it yields a host array; ``Constant`` and
``ConstantOfShape`` are host arrays too (uploaded once, when a device op reads them).
Every op here has a numpy form, so chains like ``Shape -> Gather -> Unsqueeze ->
Concat -> Reshape`` run on the host while planning and cost nothing per call.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..graph import Node, UnsupportedModelError
from ..plan import PlanBuilder
from ..tensors import DeviceTensor, HostArray, Value
from .base import Inputs, Op, host_ints, normalize_axis, shape_of

__all__ = ["SHAPE_OPS"]


class Identity(Op):
    host_form = True

    def host(self, node: Node, inputs: Sequence[HostArray | None]) -> list[HostArray]:
        assert inputs[0] is not None
        return [inputs[0]]

    def emit(self, node: Node, inputs: Inputs, b: PlanBuilder) -> list[Value]:
        assert inputs[0] is not None
        return [inputs[0]]


class Shape(Op):
    host_form = True

    @staticmethod
    def _shape(node: Node, value: Value | None) -> list[Value]:
        assert value is not None
        start, end = node.attr("start", 0), node.attr("end", None)
        return [np.array(shape_of(value)[start:end], dtype=np.int64)]

    def host(self, node: Node, inputs: Sequence[HostArray | None]) -> list[HostArray]:
        return [np.asarray(v) for v in self._shape(node, inputs[0])]

    def emit(self, node: Node, inputs: Inputs, b: PlanBuilder) -> list[Value]:
        return self._shape(node, inputs[0])


class _View(Op):
    """An op whose output is its input with another shape (a view on the device)."""

    host_form = True

    def out_shape(self, node: Node, shape: tuple[int, ...], inputs: Inputs) -> tuple[int, ...]:
        raise NotImplementedError

    def host(self, node: Node, inputs: Sequence[HostArray | None]) -> list[HostArray]:
        data = inputs[0]
        assert data is not None
        return [np.reshape(data, self.out_shape(node, shape_of(data), inputs))]

    def emit(self, node: Node, inputs: Inputs, b: PlanBuilder) -> list[Value]:
        data = inputs[0]
        assert data is not None
        shape = self.out_shape(node, shape_of(data), inputs)
        if isinstance(data, DeviceTensor):
            return [data.view(shape)]
        return [np.reshape(data, shape)]


class Reshape(_View):
    def out_shape(self, node: Node, shape: tuple[int, ...], inputs: Inputs) -> tuple[int, ...]:
        wanted = host_ints(inputs[1], node, "the target shape")
        allow_zero = bool(node.attr("allowzero", 0))
        out = [shape[i] if d == 0 and not allow_zero else d for i, d in enumerate(wanted)]
        if out.count(-1) > 1:
            raise UnsupportedModelError(f"{node.describe()}: more than one -1 in {wanted}")
        if -1 in out:
            known = int(np.prod([d for d in out if d != -1], dtype=np.int64))
            total = int(np.prod(shape, dtype=np.int64))
            out[out.index(-1)] = total // known if known else 0
        return tuple(out)


class Squeeze(_View):
    def out_shape(self, node: Node, shape: tuple[int, ...], inputs: Inputs) -> tuple[int, ...]:
        if len(inputs) > 1 and inputs[1] is not None:
            axes = {normalize_axis(a, len(shape), node) for a in host_ints(inputs[1], node, "axes")}
        else:
            axes = {i for i, d in enumerate(shape) if d == 1}
        if any(shape[a] != 1 for a in axes):
            raise UnsupportedModelError(f"{node.describe()}: squeezing a dimension != 1")
        return tuple(d for i, d in enumerate(shape) if i not in axes)


class Unsqueeze(_View):
    def out_shape(self, node: Node, shape: tuple[int, ...], inputs: Inputs) -> tuple[int, ...]:
        axes_in = host_ints(inputs[1] if len(inputs) > 1 else None, node, "axes")
        rank = len(shape) + len(axes_in)
        axes = sorted(normalize_axis(a, rank, node) for a in axes_in)
        out = list(shape)
        for axis in axes:
            out.insert(axis, 1)
        return tuple(out)


class Flatten(_View):
    def out_shape(self, node: Node, shape: tuple[int, ...], inputs: Inputs) -> tuple[int, ...]:
        axis = node.attr("axis", 1)
        axis = axis + len(shape) if axis < 0 else axis
        outer = int(np.prod(shape[:axis], dtype=np.int64))
        return (outer, int(np.prod(shape[axis:], dtype=np.int64)))


class Constant(Op):
    host_form = True

    def check(self, node: Node) -> str | None:
        known = {"value", "value_float", "value_floats", "value_int", "value_ints"}
        return None if set(node.attrs) & known else "only numeric constants are supported"

    def host(self, node: Node, inputs: Sequence[HostArray | None]) -> list[HostArray]:
        if "value" in node.attrs:
            return [np.asarray(node.attrs["value"])]
        for name, dtype in (("value_float", np.float32), ("value_floats", np.float32)):
            if name in node.attrs:
                return [np.asarray(node.attrs[name], dtype=dtype)]
        key = "value_int" if "value_int" in node.attrs else "value_ints"
        return [np.asarray(node.attrs[key], dtype=np.int64)]

    def emit(self, node: Node, inputs: Inputs, b: PlanBuilder) -> list[Value]:
        return list(self.host(node, []))


class ConstantOfShape(Op):
    host_form = True

    @staticmethod
    def _fill(node: Node, shape_input: Value | None) -> HostArray:
        shape = host_ints(shape_input, node, "the shape")
        value = node.attr("value")
        fill = np.asarray(value).reshape(-1)[:1] if value is not None else np.zeros(1, np.float32)
        return np.full(shape, fill[0], dtype=fill.dtype)

    def host(self, node: Node, inputs: Sequence[HostArray | None]) -> list[HostArray]:
        return [self._fill(node, inputs[0])]

    def emit(self, node: Node, inputs: Inputs, b: PlanBuilder) -> list[Value]:
        return [self._fill(node, inputs[0])]


SHAPE_OPS: dict[str, Op] = {
    "Identity": Identity(),
    "Shape": Shape(),
    "Reshape": Reshape(),
    "Squeeze": Squeeze(),
    "Unsqueeze": Unsqueeze(),
    "Flatten": Flatten(),
    "Constant": Constant(),
    "ConstantOfShape": ConstantOfShape(),
}
