"""Elementwise ops: activations, rounding, Clip, arithmetic and comparisons, Where, Cast.

Device kernels live in ``cl/elementwise.cl``. Binary ops and Where broadcast like
numpy/ONNX through strides (a broadcast dimension has stride 0), so no operand is ever
expanded in memory. Arithmetic runs on float32, int64 and int32; comparisons give bool
(stored as one byte, like numpy's). Cast converts as C does (float -> integer truncates
toward zero, as ONNX Runtime does). Each op also has a numpy form for host values
(shape arithmetic, constant folding).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..graph import ELEMENT_TYPES, Node
from ..plan import PlanBuilder
from ..tensors import CL_TYPES, HostArray, Value, broadcast_strides, pad8
from .base import Inputs, Op, shape_of, vector

__all__ = ["ELEMENTWISE_OPS"]

FLOAT = np.dtype(np.float32)


def _sigmoid(x: HostArray) -> HostArray:
    return np.asarray(1.0 / (1.0 + np.exp(-x)), dtype=x.dtype)


class Unary(Op):
    """A float32 activation: one kernel ``<name>_float``, one numpy function."""

    host_form = True

    def __init__(self, kernel: str, numpy: Callable[[HostArray], HostArray]) -> None:
        self.kernel = kernel
        self.numpy = numpy

    def host(self, node: Node, inputs: Sequence[HostArray | None]) -> list[HostArray]:
        return [np.asarray(self.numpy(np.asarray(inputs[0])))]

    def emit(self, node: Node, inputs: Inputs, b: PlanBuilder) -> list[Value]:
        assert inputs[0] is not None
        x = b.device(inputs[0])
        if x.dtype != FLOAT:
            raise NotImplementedError(f"{node.describe()}: {x.dtype} input (float32 only)")
        out = b.alloc(x.shape, x.dtype)
        b.launch(f"{self.kernel}_float", x.size, x, out)
        return [out]


class Clip(Op):
    """Clip with constant bounds (opset 11+: ``min`` and ``max`` are optional inputs)."""

    host_form = True

    @staticmethod
    def _bounds(inputs: Inputs) -> tuple[float, float]:
        low, high = -np.inf, np.inf
        if len(inputs) > 1 and inputs[1] is not None:
            low = float(np.asarray(inputs[1]).reshape(-1)[0])
        if len(inputs) > 2 and inputs[2] is not None:
            high = float(np.asarray(inputs[2]).reshape(-1)[0])
        return low, high

    def host(self, node: Node, inputs: Sequence[HostArray | None]) -> list[HostArray]:
        low, high = self._bounds(inputs)
        data = np.asarray(inputs[0])
        return [np.minimum(np.maximum(data, low), high).astype(data.dtype)]

    def emit(self, node: Node, inputs: Inputs, b: PlanBuilder) -> list[Value]:
        assert inputs[0] is not None
        if any(not isinstance(v, np.ndarray) for v in inputs[1:] if v is not None):
            raise NotImplementedError(f"{node.describe()}: bounds computed on the device")
        x = b.device(inputs[0])
        if x.dtype != FLOAT:
            raise NotImplementedError(f"{node.describe()}: {x.dtype} input (float32 only)")
        out = b.alloc(x.shape, x.dtype)
        b.launch("clip_float", x.size, x, out, vector(self._bounds(inputs), "float2"))
        return [out]


class Where(Op):
    """``cond ? x : y`` with three-way broadcasting, any dtype (kernel ``where_<size>``)."""

    host_form = True

    def host(self, node: Node, inputs: Sequence[HostArray | None]) -> list[HostArray]:
        cond, x, y = (np.asarray(v) for v in inputs[:3])
        return [np.where(cond, x, y).astype(x.dtype)]

    def emit(self, node: Node, inputs: Inputs, b: PlanBuilder) -> list[Value]:
        assert inputs[0] is not None and inputs[1] is not None and inputs[2] is not None
        cond, x, y = (b.device(v) for v in (inputs[0], inputs[1], inputs[2]))
        if cond.dtype != np.bool_ or x.dtype != y.dtype:
            raise NotImplementedError(
                f"{node.describe()}: operands {cond.dtype}, {x.dtype}, {y.dtype}"
            )
        shape = np.broadcast_shapes(cond.shape, x.shape, y.shape)
        out = b.alloc(shape, x.dtype)
        strides = [broadcast_strides(v.shape, shape) for v in (cond, x, y)]
        b.launch(f"where_{x.dtype.itemsize}", out.size, cond, x, y, out, *pad8(shape, *strides))
        return [out]


def _int_div(a: HostArray, c: HostArray) -> HostArray:
    if a.dtype.kind == "f":
        return np.asarray(a / c, dtype=a.dtype)
    return np.asarray(np.trunc(a / c), dtype=a.dtype)  # ONNX integer Div truncates


class Binary(Op):
    """A broadcasting binary op: kernel ``<name>_<type>``; comparisons return bool."""

    host_form = True

    def __init__(self, kernel: str, numpy: Callable[[Any, Any], Any], compare: bool) -> None:
        self.kernel = kernel
        self.numpy = numpy
        self.compare = compare

    def host(self, node: Node, inputs: Sequence[HostArray | None]) -> list[HostArray]:
        a, c = np.asarray(inputs[0]), np.asarray(inputs[1])
        result = np.asarray(self.numpy(a, c))
        return [result if self.compare else result.astype(a.dtype)]

    def emit(self, node: Node, inputs: Inputs, b: PlanBuilder) -> list[Value]:
        assert inputs[0] is not None and inputs[1] is not None
        a, c = b.device(inputs[0]), b.device(inputs[1])
        if a.dtype != c.dtype or a.dtype == np.bool_:
            raise NotImplementedError(f"{node.describe()}: operands {a.dtype} and {c.dtype}")
        shape = np.broadcast_shapes(a.shape, c.shape)
        out = b.alloc(shape, np.bool_ if self.compare else a.dtype)
        strides = pad8(shape, broadcast_strides(a.shape, shape), broadcast_strides(c.shape, shape))
        b.launch(f"{self.kernel}_{CL_TYPES[a.dtype]}", out.size, a, c, out, *strides)
        return [out]


class Cast(Op):
    host_form = True

    def check(self, node: Node) -> str | None:
        to = node.attr("to")
        return None if to in ELEMENT_TYPES else f"cast to ONNX type {to}"

    def host(self, node: Node, inputs: Sequence[HostArray | None]) -> list[HostArray]:
        return [np.asarray(inputs[0]).astype(ELEMENT_TYPES[node.attr("to")])]

    def emit(self, node: Node, inputs: Inputs, b: PlanBuilder) -> list[Value]:
        assert inputs[0] is not None
        x = b.device(inputs[0])
        to = ELEMENT_TYPES[node.attr("to")]
        if to == x.dtype:
            return [x]
        out = b.alloc(shape_of(x), to)
        b.launch(f"cast_{CL_TYPES[x.dtype]}_{CL_TYPES[to]}", x.size, x, out)
        return [out]


ELEMENTWISE_OPS: dict[str, Op] = {
    "Relu": Unary("relu", lambda x: np.maximum(x, 0).astype(x.dtype)),
    "Sigmoid": Unary("sigmoid", _sigmoid),
    "Tanh": Unary("tanh", np.tanh),
    "Exp": Unary("exp", np.exp),
    "Neg": Unary("neg", np.negative),
    "Ceil": Unary("ceil", np.ceil),
    "Floor": Unary("floor", np.floor),
    "Clip": Clip(),
    "Add": Binary("add", np.add, compare=False),
    "Sub": Binary("sub", np.subtract, compare=False),
    "Mul": Binary("mul", np.multiply, compare=False),
    "Div": Binary("div", _int_div, compare=False),
    "Greater": Binary("greater", np.greater, compare=True),
    "Less": Binary("less", np.less, compare=True),
    "Equal": Binary("equal", np.equal, compare=True),
    "Where": Where(),
    "Cast": Cast(),
}
