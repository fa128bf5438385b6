"""Reading an ONNX model into the executor's graph, and deciding whether it can run.

The model is read with the ``onnx`` package: nodes (in the file's order, which ONNX
requires to be topological - checked here), attributes as Python values, initializers
as numpy arrays, and the graph's inputs and outputs as
:class:`~lmms_magenta.hardware.TensorInfo`.

:func:`unsupported_reason` says, in one sentence, why the OpenCL executor cannot run a
model: an operator outside the supported set (:data:`.ops.OPS`, listed with its
domain), an attribute form the op kernels do not implement (e.g. a GRU with
``linear_before_reset=0``), an opset outside 13-21, or a tensor type other than
float32, int64, int32 and bool. The backend then offers no precision for the model,
and the kernel's :func:`~lmms_magenta.hardware_sessions.open_session` falls back to the
CPU with that reason.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from lmms_magenta.hardware import TensorInfo

__all__ = ["Graph", "Node", "UnsupportedModelError", "load_graph", "unsupported_reason"]

#: ONNX TensorProto element types the executor handles -> numpy dtype
ELEMENT_TYPES: dict[int, np.dtype[Any]] = {
    1: np.dtype(np.float32),
    6: np.dtype(np.int32),
    7: np.dtype(np.int64),
    9: np.dtype(np.bool_),
}
OPSETS = range(13, 22)


class UnsupportedModelError(RuntimeError):
    """The model uses something the OpenCL executor does not implement (message: what)."""


@dataclass(frozen=True)
class Node:
    """One ONNX node: op type, inputs (``""`` for an omitted optional one), attributes."""

    op_type: str
    domain: str
    name: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    attrs: Mapping[str, Any] = field(default_factory=dict)

    def attr(self, name: str, default: Any = None) -> Any:
        return self.attrs.get(name, default)

    def describe(self) -> str:
        return f"{self.op_type} node {self.name!r}" if self.name else f"a {self.op_type} node"


@dataclass
class Graph:
    """An ONNX model as the executor sees it."""

    path: str
    opset: int
    nodes: list[Node]
    initializers: dict[str, np.ndarray[Any, Any]]
    inputs: tuple[TensorInfo, ...]
    outputs: tuple[TensorInfo, ...]
    #: element types seen anywhere (inputs, outputs, initializers, Constant, Cast targets)
    element_types: set[int]


def _value_info(info: Any) -> TensorInfo:
    tensor = info.type.tensor_type
    dims: list[int | str | None] = []
    for dim in tensor.shape.dim:
        if dim.HasField("dim_value"):
            dims.append(int(dim.dim_value))
        else:
            dims.append(dim.dim_param or None)
    dtype = ELEMENT_TYPES.get(tensor.elem_type)
    return TensorInfo(info.name, tuple(dims), dtype.name if dtype else f"onnx:{tensor.elem_type}")


def _attribute(attr: Any) -> Any:
    from onnx import helper, numpy_helper

    value = helper.get_attribute_value(attr)
    if attr.type == attr.TENSOR:
        return numpy_helper.to_array(value)
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, list) and value and isinstance(value[0], bytes):
        return [v.decode("utf-8") for v in value]
    return value


def _element_types(model: Any) -> set[int]:
    types = {i.type.tensor_type.elem_type for i in (*model.graph.input, *model.graph.output)}
    types |= {init.data_type for init in model.graph.initializer}
    for node in model.graph.node:
        for attr in node.attribute:
            if attr.name in ("value", "to") and node.op_type in ("Constant", "ConstantOfShape"):
                types.add(attr.t.data_type)
            elif attr.name == "to" and node.op_type == "Cast":
                types.add(attr.i)
    return types


@lru_cache(maxsize=4)
def _load(path: str, _stamp: tuple[int, int]) -> Graph:
    import onnx
    from onnx import numpy_helper

    model = onnx.load(path)
    opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 0)
    nodes = [
        Node(
            n.op_type,
            n.domain or "",
            n.name,
            tuple(n.input),
            tuple(n.output),
            {a.name: _attribute(a) for a in n.attribute},
        )
        for n in model.graph.node
    ]
    inits = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    graph_inputs = tuple(_value_info(i) for i in model.graph.input if i.name not in inits)
    return Graph(
        path=path,
        opset=opset,
        nodes=nodes,
        initializers=inits,
        inputs=graph_inputs,
        outputs=tuple(_value_info(o) for o in model.graph.output),
        element_types=_element_types(model),
    )


def load_graph(path: str | os.PathLike[str]) -> Graph:
    """The model at ``path`` (cached while the file is unchanged)."""
    path = os.fspath(path)
    stat = os.stat(path)
    return _load(path, (stat.st_mtime_ns, stat.st_size))


def _order_problem(graph: Graph) -> str | None:
    known = {t.name for t in graph.inputs} | set(graph.initializers) | {""}
    for node in graph.nodes:
        missing = [name for name in node.inputs if name not in known]
        if missing:
            return f"{node.describe()} reads {missing[0]!r} before it is computed"
        known.update(node.outputs)
    absent = [t.name for t in graph.outputs if t.name not in known]
    return f"graph output {absent[0]!r} is never computed" if absent else None


def unsupported_reason(graph: Graph) -> str | None:
    """Why the executor cannot run ``graph`` (one sentence), or ``None`` when it can."""
    from .ops import OPS

    if graph.opset not in OPSETS:
        return f"opset {graph.opset} (supported: {OPSETS.start}-{OPSETS.stop - 1})"
    odd_types = sorted(t for t in graph.element_types if t not in ELEMENT_TYPES)
    if odd_types:
        from onnx import TensorProto

        names = ", ".join(TensorProto.DataType.Name(t).lower() for t in odd_types)
        return f"tensor type {names} (supported: float32, int64, int32, bool)"
    unknown = sorted(
        {
            f"{n.op_type} ({n.domain})" if n.domain not in ("", "ai.onnx") else n.op_type
            for n in graph.nodes
            if n.domain not in ("", "ai.onnx") or n.op_type not in OPS
        }
    )
    if unknown:
        return f"operator(s) {', '.join(unknown)} not implemented by the OpenCL executor"
    for node in graph.nodes:
        problem = OPS[node.op_type].check(node)
        if problem:
            return f"{node.describe()}: {problem}"
    return _order_problem(graph)
