"""Matrix products: MatMul (numpy semantics, batched) and Gemm.

Both are one launch of ``gemm_float`` (``cl/matmul.cl``), which addresses each operand
through (batch, row, column) strides plus an offset: transposed operands and broadcast
batches or biases are just other strides, nothing is copied. :func:`launch_gemm` is
also what the recurrent ops use for their input projections.
"""

from __future__ import annotations

import numpy as np

from ..graph import Node
from ..plan import PlanBuilder
from ..tensors import DeviceTensor, Value, broadcast_strides
from .base import Inputs, Op, vector

__all__ = ["MATMUL_OPS", "launch_gemm"]

FLOAT = np.dtype(np.float32)
Strides = tuple[int, int, int, int]


def launch_gemm(
    b: PlanBuilder,
    a: DeviceTensor,
    a_strides: Strides,
    w: DeviceTensor,
    w_strides: Strides,
    out: DeviceTensor,
    dims: tuple[int, int, int, int],
    bias: DeviceTensor | None = None,
    bias_strides: Strides = (0, 0, 0, 0),
    alpha: float = 1.0,
    beta: float = 1.0,
    out_offset: int = 0,
) -> None:
    """``out[out_offset + (b*M + m)*N + n] = alpha * A @ W + beta * bias``.

    ``dims`` is (batch, M, N, K); strides are (batch, row, column, offset) in elements.
    """
    batch, m, n, _k = dims
    b.launch(
        "gemm_float",
        batch * m * n,
        a,
        w,
        bias if bias is not None else a,
        out,
        vector(dims, "int4"),
        vector(a_strides, "int4"),
        vector(w_strides, "int4"),
        vector(bias_strides, "int4"),
        vector((alpha, beta), "float2"),
        out_offset,
        int(bias is not None),
    )


def _batch_stride(shape: tuple[int, ...], out_batch: tuple[int, ...], node: Node) -> int:
    """The flattened batch stride of one operand: its matrix size, or 0 when broadcast."""
    own = shape[:-2]
    matrix = shape[-2] * shape[-1]
    if int(np.prod(own, dtype=np.int64)) == 1:
        return 0
    if (1,) * (len(out_batch) - len(own)) + own == out_batch:
        return matrix
    raise NotImplementedError(f"{node.describe()}: mixed batch broadcasting {shape}")


class MatMul(Op):
    def transposed_inputs(self, node: Node) -> set[int]:
        return {1}

    def emit(self, node: Node, inputs: Inputs, b: PlanBuilder) -> list[Value]:
        assert inputs[0] is not None and inputs[1] is not None
        a, w = b.device(inputs[0]), b.device(inputs[1])
        w_rows = b.device_transposed(inputs[1]) if len(w.shape) >= 2 else None
        if a.dtype != FLOAT or w.dtype != FLOAT:
            raise NotImplementedError(f"{node.describe()}: {a.dtype} x {w.dtype} (float32 only)")
        a_shape = (1, *a.shape) if len(a.shape) == 1 else a.shape
        w_shape = (*w.shape, 1) if len(w.shape) == 1 else w.shape
        m, k = a_shape[-2:]
        k2, n = w_shape[-2:]
        if k != k2:
            raise ValueError(f"{node.describe()}: cannot multiply {a.shape} by {w.shape}")
        out_batch = tuple(np.broadcast_shapes(a_shape[:-2], w_shape[:-2]))
        batch = int(np.prod(out_batch, dtype=np.int64))
        shape = [*out_batch, m, n]
        if len(a.shape) == 1:
            shape.pop(-2)
        if len(w.shape) == 1:
            shape.pop(-1)
        out = b.alloc(shape, FLOAT)
        sa = (_batch_stride(a_shape, out_batch, node), k, 1, 0)
        sw = (_batch_stride(w_shape, out_batch, node), n, 1, 0)
        if w_rows is not None:  # the same matrix stored [.., N, K]: contiguous rows
            w, sw = w_rows, (sw[0], 1, k, 0)
        launch_gemm(b, a, sa, w, sw, out, (batch, m, n, k))
        return [out]


class Gemm(Op):
    def transposed_inputs(self, node: Node) -> set[int]:
        return set() if node.attr("transB", 0) else {1}

    def emit(self, node: Node, inputs: Inputs, b: PlanBuilder) -> list[Value]:
        assert inputs[0] is not None and inputs[1] is not None
        a, w = b.device(inputs[0]), b.device(inputs[1])
        trans_a, trans_w = node.attr("transA", 0), node.attr("transB", 0)
        m, k = a.shape[::-1] if trans_a else a.shape
        n = w.shape[0] if trans_w else w.shape[1]
        out = b.alloc((m, n), FLOAT)
        sa = (0, 1, m, 0) if trans_a else (0, k, 1, 0)
        sw = (0, 1, k, 0) if trans_w else (0, n, 1, 0)
        w_rows = None if trans_w else b.device_transposed(inputs[1])
        if w_rows is not None:  # [K, N] weights stored [N, K]: contiguous rows
            w, sw = w_rows, (0, 1, k, 0)
        bias = b.device(inputs[2]) if len(inputs) > 2 and inputs[2] is not None else None
        sc = (0, 0, 0, 0)
        if bias is not None:
            row, col = broadcast_strides(bias.shape, (m, n))
            sc = (0, row, col, 0)
        alpha, beta = float(node.attr("alpha", 1.0)), float(node.attr("beta", 1.0))
        launch_gemm(b, a, sa, w, sw, out, (1, m, n, k), bias, sc, alpha, beta)
        return [out]


MATMUL_OPS: dict[str, Op] = {"MatMul": MatMul(), "Gemm": Gemm()}
