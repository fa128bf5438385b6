"""Recurrent ops: GRU and LSTM layers (ONNX semantics, PyTorch's export forms).

A layer direction runs as: one ``gemm_float`` for the input projection of *all* steps
(``X W^T + Wb`` -> ``[steps, batch, gates*H]``), then one ``gru_step`` / ``lstm_step``
per time step (``cl/recurrent.cl``): each work item owns one (batch, hidden unit)
pair, adds the recurrent projection ``R h + Rb`` and applies the cell, reading the
previous step's output straight from ``Y`` (no state copies). ``Y_h`` / ``Y_c`` are
copied from the last step's slice; with a single step (the unrolled decoders' case)
``Y_h`` is simply a view of ``Y``. Directions ``forward``, ``reverse`` and
``bidirectional`` are supported.

Not implemented (reported as unsupported at load): GRU ``linear_before_reset=0`` (the
TensorFlow form), non-default activations, ``clip``, ``layout=1``, ``sequence_lens``,
LSTM peepholes and ``input_forget``.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from ..graph import Node
from ..plan import PlanBuilder
from ..tensors import DeviceTensor, Value, int8_vector
from .base import Inputs, Op, copy_strided
from .matmul import launch_gemm

__all__ = ["RECURRENT_OPS"]


class _Recurrent(Op):
    """What GRU and LSTM share: checks, input projection, step order, final state."""

    gates = 0
    activations: tuple[str, ...] = ()
    #: inputs the kernels cannot honour: index -> name
    refused_inputs: ClassVar[dict[int, str]] = {4: "sequence_lens"}

    def check(self, node: Node) -> str | None:
        for index, name in self.refused_inputs.items():
            if len(node.inputs) > index and node.inputs[index]:
                return f"the {name} input is not supported"
        if node.attr("layout", 0) != 0:
            return "layout=1 (batch first) is not supported"
        if node.attr("clip") is not None:
            return "cell clipping is not supported"
        given = node.attr("activations")
        if given is not None:
            directions = 2 if node.attr("direction", "forward") == "bidirectional" else 1
            if [a.lower() for a in given] != [a.lower() for a in self.activations] * directions:
                return f"activations {given} (only the defaults are supported)"
        return None

    def prepare(
        self, node: Node, inputs: Inputs, b: PlanBuilder
    ) -> tuple[DeviceTensor, DeviceTensor, DeviceTensor, DeviceTensor, int]:
        """X, W, R, bias on the device (zero bias when absent) and the hidden size."""
        assert inputs[0] is not None and inputs[1] is not None and inputs[2] is not None
        x, w, r = b.device(inputs[0]), b.device(inputs[1]), b.device(inputs[2])
        hidden = int(node.attr("hidden_size", r.shape[-1]))
        directions = w.shape[0]
        if len(inputs) > 3 and inputs[3] is not None:
            bias = b.device(inputs[3])
        else:
            bias = b.device(np.zeros((directions, 2 * self.gates * hidden), np.float32))
        return x, w, r, bias, hidden

    def initial(
        self, inputs: Inputs, index: int, shape: tuple[int, ...], b: PlanBuilder
    ) -> DeviceTensor:
        """An initial state input on the device (zeros when absent)."""
        value = inputs[index] if len(inputs) > index else None
        return b.device(value if value is not None else np.zeros(shape, np.float32))

    def project(
        self,
        b: PlanBuilder,
        x: DeviceTensor,
        w: DeviceTensor,
        bias: DeviceTensor,
        xw: DeviceTensor,
        d: int,
    ) -> None:
        """``xw = X W[d]^T + Wb[d]`` for all steps at once."""
        steps, batch, size_in = x.shape
        gh = xw.shape[-1]
        launch_gemm(
            b,
            x,
            (0, size_in, 1, 0),
            w,
            (0, 1, size_in, d * gh * size_in),
            xw,
            (1, steps * batch, gh, size_in),
            bias,
            (0, 0, 1, d * 2 * gh),
        )

    @staticmethod
    def final(b: PlanBuilder, seq: DeviceTensor) -> DeviceTensor:
        """The tensor for ``Y_h`` [D, B, H]: with one step, simply a view of ``Y``."""
        steps, directions, batch, hidden = seq.shape
        if steps == 1:
            return seq.view((directions, batch, hidden))
        return b.alloc((directions, batch, hidden), np.float32)

    @staticmethod
    def order(node: Node, d: int, steps: int) -> range:
        direction = node.attr("direction", "forward")
        reverse = direction == "reverse" or (direction == "bidirectional" and d == 1)
        return range(steps - 1, -1, -1) if reverse else range(steps)

    @staticmethod
    def last(
        b: PlanBuilder, seq: DeviceTensor, out: DeviceTensor, d: int, t: int, count: int
    ) -> None:
        """Copy step ``t`` of direction ``d`` of ``seq`` [T, D, B, H] into ``out`` [D, B, H]."""
        directions = seq.shape[1]
        copy_strided(b, seq, out, (count,), (1,), (t * directions + d) * count, None, d * count)


class GRU(_Recurrent):
    gates = 3
    activations = ("Sigmoid", "Tanh")

    def check(self, node: Node) -> str | None:
        if node.attr("linear_before_reset", 0) != 1:
            return "linear_before_reset=0 is not supported (PyTorch's GRU form only)"
        return super().check(node)

    def emit(self, node: Node, inputs: Inputs, b: PlanBuilder) -> list[Value]:
        x, w, r, bias, hidden = self.prepare(node, inputs, b)
        steps, batch, _ = x.shape
        directions = w.shape[0]
        count = batch * hidden
        h0 = self.initial(inputs, 5, (directions, batch, hidden), b)
        y = b.alloc((steps, directions, batch, hidden), np.float32)
        y_h = self.final(b, y)
        xw = b.alloc((steps, batch, 3 * hidden), np.float32)
        for d in range(directions):
            self.project(b, x, w, bias, xw, d)
            prev, prev_offset = h0, d * count
            order = self.order(node, d, steps)
            for t in order:
                y_offset = (t * directions + d) * count
                params = [t * batch * 3 * hidden, d * 3 * hidden * hidden]
                params += [d * 6 * hidden + 3 * hidden, prev_offset, y_offset, batch, hidden, 0]
                b.launch("gru_step", count, xw, r, bias, prev, y, int8_vector(params))
                prev, prev_offset = y, y_offset
            if steps > 1:
                self.last(b, y, y_h, d, order[-1], count)
        b.release(xw)
        return [y, y_h]


class LSTM(_Recurrent):
    gates = 4
    activations = ("Sigmoid", "Tanh", "Tanh")
    refused_inputs: ClassVar[dict[int, str]] = {4: "sequence_lens", 7: "peephole (P)"}

    def check(self, node: Node) -> str | None:
        if node.attr("input_forget", 0):
            return "input_forget=1 is not supported"
        return super().check(node)

    def emit(self, node: Node, inputs: Inputs, b: PlanBuilder) -> list[Value]:
        x, w, r, bias, hidden = self.prepare(node, inputs, b)
        steps, batch, _ = x.shape
        directions = w.shape[0]
        count = batch * hidden
        h0 = self.initial(inputs, 5, (directions, batch, hidden), b)
        c0 = self.initial(inputs, 6, (directions, batch, hidden), b)
        y = b.alloc((steps, directions, batch, hidden), np.float32)
        cells = b.alloc((steps, directions, batch, hidden), np.float32)
        y_h = self.final(b, y)
        y_c = b.alloc((directions, batch, hidden), np.float32)
        xw = b.alloc((steps, batch, 4 * hidden), np.float32)
        for d in range(directions):
            self.project(b, x, w, bias, xw, d)
            prev, prev_offset = h0, d * count
            prev_c, prev_c_offset = c0, d * count
            order = self.order(node, d, steps)
            for t in order:
                y_offset = (t * directions + d) * count
                params = [t * batch * 4 * hidden, d * 4 * hidden * hidden]
                params += [d * 8 * hidden + 4 * hidden, prev_offset, y_offset, batch, hidden]
                params += [y_offset]  # the cell state sequence has Y's layout
                b.launch(
                    "lstm_step",
                    count,
                    xw,
                    r,
                    bias,
                    prev,
                    prev_c,
                    y,
                    cells,
                    int8_vector(params),
                    prev_c_offset,
                )
                prev, prev_offset = y, y_offset
                prev_c, prev_c_offset = cells, y_offset
            if steps > 1:
                self.last(b, y, y_h, d, order[-1], count)
            if steps:
                self.last(b, cells, y_c, d, order[-1], count)
        b.release(xw)
        b.release(cells)
        return [y, y_h, y_c]


RECURRENT_OPS: dict[str, Op] = {"GRU": GRU(), "LSTM": LSTM()}
