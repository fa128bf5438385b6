"""What every op implementation provides, and helpers the op families share.

An op has up to three parts:

``check(node)``
    at load time, a sentence when the node uses a form the kernels do not implement
    (the model is then reported unsupported before anything runs);
``host(node, inputs)``
    a numpy form, used only when *every* input is known on the host: constant
    folding at session creation and the small shape computations (``Shape`` ->
    ``Gather`` -> ``Concat`` -> ``Reshape``) at planning time. Ops without one
    (``host_form = False``) always run on the device;
``emit(node, inputs, builder)``
    at planning time, work out output shapes, allocate outputs and add kernel
    launches to the plan (:class:`~..plan.PlanBuilder`). Inputs may be device tensors
    or host arrays (``builder.device`` uploads the latter once); outputs are usually
    device tensors, but shape-only ops (``Shape``) return host arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..graph import Node, UnsupportedModelError
from ..tensors import DeviceTensor, HostArray, Value, contiguous_strides, pad8

if TYPE_CHECKING:
    from ..plan import PlanBuilder

__all__ = [
    "Inputs",
    "Op",
    "copy_strided",
    "host_ints",
    "normalize_axis",
    "shape_of",
    "vector",
]

Inputs = Sequence[Value | None]


class Op:
    """Base class of the op implementations (see the module docstring)."""

    #: whether :meth:`host` exists (used for constant folding and shape math)
    host_form = False

    def check(self, node: Node) -> str | None:
        """Why this node's form is not supported, or ``None``."""
        return None

    def transposed_inputs(self, node: Node) -> set[int]:
        """Inputs read as weights in transposed layout (uploaded that way once)."""
        return set()

    def host(self, node: Node, inputs: Sequence[HostArray | None]) -> list[HostArray]:
        raise NotImplementedError(node.op_type)

    def emit(self, node: Node, inputs: Inputs, b: PlanBuilder) -> list[Value]:
        raise NotImplementedError(node.op_type)


def shape_of(value: Value) -> tuple[int, ...]:
    """The shape of a device tensor or host array."""
    return tuple(int(d) for d in value.shape)


def host_ints(value: Value | None, node: Node, what: str) -> list[int]:
    """A shape-like input (axes, sizes, starts ...) that must be known on the host.

    Such inputs are constants or computed from shapes in every model this backend
    supports; one computed on the device from data cannot be planned ahead.
    """
    if value is None:
        raise UnsupportedModelError(f"{node.describe()}: {what} is missing")
    if isinstance(value, DeviceTensor):
        raise UnsupportedModelError(
            f"{node.describe()}: {what} is computed from data on the device, so shapes "
            "cannot be planned ahead"
        )
    return [int(v) for v in np.asarray(value).reshape(-1)]


def normalize_axis(axis: int, rank: int, node: Node) -> int:
    """``axis`` in ``0 .. rank-1`` (negative counts from the end)."""
    if not -rank <= axis < rank:
        raise UnsupportedModelError(f"{node.describe()}: axis {axis} out of range for rank {rank}")
    return axis % rank


def copy_strided(
    b: PlanBuilder,
    src: DeviceTensor,
    dst: DeviceTensor,
    shape: Sequence[int],
    src_strides: Sequence[int],
    src_offset: int = 0,
    dst_strides: Sequence[int] | None = None,
    dst_offset: int = 0,
) -> None:
    """Launch ``copy_<itemsize>``: ``dst[dst_offset + ...] = src[src_offset + ...]``.

    Iterates over ``shape``; ``dst_strides`` default to ``dst`` being contiguous.
    """
    count = int(np.prod(shape, dtype=np.int64))
    if count == 0:
        return
    if dst_strides is None:
        dst_strides = contiguous_strides(shape)
    offsets = np.array([src_offset, dst_offset], dtype=np.int32).view(_INT2)[0]
    b.launch(
        f"copy_{src.dtype.itemsize}",
        count,
        src,
        dst,
        *pad8(shape, src_strides, dst_strides),
        offsets,
    )


def vector(values: Sequence[Any], kind: str) -> Any:
    """A small OpenCL vector kernel argument (``int2``, ``int4``, ``float2`` ...)."""
    from pyopencl import cltypes

    dtype = np.dtype(getattr(cltypes, kind))
    base = np.float32 if kind.startswith("float") else np.int32
    return np.array(values, dtype=base).view(dtype)[0]


def _int2() -> np.dtype[Any]:
    from pyopencl import cltypes

    return np.dtype(cltypes.int2)


_INT2 = _int2()
