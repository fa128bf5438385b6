"""The ONNX graph executor: constant folding, planning per input shapes, replay.

At creation (once per session):

- **constant folding**: every node whose inputs are all known without the feeds
  (initializers, ``Constant`` and nodes on them) and whose op has a numpy form is
  evaluated once on the host. In the exported models that is the ``Identity`` copies
  of the GRU weights and the ``Constant`` axes/sizes; the results are static values;
- **weights upload**: every static float32 array of 64 elements or more that a device
  node reads is copied to the device once, in the layout its op reads it (matrix
  weights as contiguous rows), and shared by all plans of the session.

On the first call with a new set of input shapes (:meth:`Executor.plan`), the graph
is walked once more:

- a node whose inputs are all host values and whose op has a numpy form runs on the
  host: these are the shape computations - ``Shape`` of a device tensor (its shape is
  known on the host), then ``Gather``/``Slice``/``Unsqueeze``/``Concat``/``Cast`` and
  integer arithmetic on those small int64 vectors, ``ConstantOfShape`` (the zero
  initial states) and ``Reshape`` targets. They cost nothing per call;
- every other node emits its kernels into the plan (see :mod:`.plan`).

Values that live on the device never come back to the host during a run: indices
computed on the device (``ArgMax``) feed ``Gather`` there. Integer feeds used as
``Gather`` indices into a constant table (a token embedding) are range-checked on the
host before upload, since a kernel cannot raise.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np

from .graph import Graph, Node
from .ops import OPS
from .plan import Plan, PlanBuilder, StaticUploads
from .programs import Runtime
from .tensors import DeviceTensor, HostArray, Value

__all__ = ["Executor"]

logger = logging.getLogger("lmms_magenta.backend.opencl")

#: static float arrays at least this large are uploaded when the session is created
WEIGHT_MIN_SIZE = 64
#: plans kept per session (one per distinct set of input shapes)
MAX_PLANS = 8


class Executor:
    """Runs one ONNX graph on one OpenCL device (not thread-safe: the session locks)."""

    def __init__(self, graph: Graph, runtime: Runtime, queue: Any) -> None:
        self.graph = graph
        self.queue = queue
        self.program = runtime.program()
        self.static: dict[str, HostArray] = dict(graph.initializers)
        self.folded: set[int] = set()
        self._fold()
        self.uploads = StaticUploads(runtime.context, queue)
        self.uploads.known.update(id(value) for value in self.static.values())
        self._upload_weights()
        self.last_use: dict[str, int] = {}
        for index, node in enumerate(graph.nodes):
            for name in node.inputs:
                self.last_use[name] = index
        self.index_checks = self._index_checks()
        self.plans: OrderedDict[tuple[tuple[int, ...], ...], Plan] = OrderedDict()

    def _fold(self) -> None:
        """Evaluate, once, every node computable from constants alone."""
        for index, node in enumerate(self.graph.nodes):
            op = OPS[node.op_type]
            if not op.host_form or not all(n == "" or n in self.static for n in node.inputs):
                continue
            values = op.host(node, [self.static[n] if n else None for n in node.inputs])
            for name, value in zip(node.outputs, values, strict=False):
                if name:
                    self.static[name] = np.asarray(value)
            self.folded.add(index)

    def _upload_weights(self) -> None:
        """Copy every static float32 input of a device node to the device, once.

        Matrix weights go in the layout their op reads (``Op.transposed_inputs``).
        """
        for index, node in enumerate(self.graph.nodes):
            if index in self.folded:
                continue
            transposed = OPS[node.op_type].transposed_inputs(node)
            for position, name in enumerate(node.inputs):
                value = self.static.get(name) if name else None
                if value is None or value.dtype != np.float32 or value.size < WEIGHT_MIN_SIZE:
                    continue
                if position in transposed and value.ndim >= 2:
                    self.uploads.transposed(value)
                else:
                    self.uploads.upload(value)

    def _index_checks(self) -> list[tuple[str, int]]:
        """(input name, table size) for feeds used as Gather indices into a constant."""
        feeds = {t.name for t in self.graph.inputs}
        checks = []
        for node in self.graph.nodes:
            if (
                node.op_type == "Gather"
                and node.inputs[1] in feeds
                and node.inputs[0] in self.static
            ):
                table = self.static[node.inputs[0]]
                axis = int(node.attr("axis", 0)) % max(table.ndim, 1)
                checks.append((node.inputs[1], int(table.shape[axis])))
        return checks

    # --- planning --------------------------------------------------------------------

    def plan(self, shapes: tuple[tuple[int, ...], ...]) -> Plan:
        """The plan for these input shapes (built on first use, a few kept)."""
        plan = self.plans.get(shapes)
        if plan is not None:
            self.plans.move_to_end(shapes)
            return plan
        plan = self._build(shapes)
        self.plans[shapes] = plan
        while len(self.plans) > MAX_PLANS:
            self.plans.popitem(last=False)
        return plan

    def _build(self, shapes: tuple[tuple[int, ...], ...]) -> Plan:
        b = PlanBuilder(self.program, self.uploads)
        env: dict[str, Value] = dict(self.static)
        inputs = []
        for info, shape in zip(self.graph.inputs, shapes, strict=True):
            tensor = b.alloc(shape, np.dtype(info.dtype))
            b.pin(tensor)
            b.hold(tensor)
            env[info.name] = tensor
            inputs.append((info.name, tensor))
        outputs = {t.name for t in self.graph.outputs}
        for index, node in enumerate(self.graph.nodes):
            if index in self.folded:
                continue
            values = self._run_node(node, [env[n] if n else None for n in node.inputs], b)
            for position, value in enumerate(values):
                name = node.outputs[position] if position < len(node.outputs) else ""
                if not isinstance(value, DeviceTensor):
                    if name:
                        env[name] = value
                    continue
                b.hold(value)
                if name in outputs:
                    b.pin(value)
                if name:
                    env[name] = value
                if not name or (name not in self.last_use and name not in outputs):
                    b.release(value)  # an output nobody reads
            for name in set(node.inputs):
                dead = env.get(name)
                if (
                    name
                    and self.last_use.get(name) == index
                    and name not in outputs
                    and isinstance(dead, DeviceTensor)
                ):
                    b.release(dead)
                    del env[name]
        logger.debug("planned %s for shapes %s: %d launches", self.graph.path, shapes, len(b.steps))
        return Plan(inputs, b.steps, [(t.name, env[t.name]) for t in self.graph.outputs], b.buffers)

    @staticmethod
    def _run_node(node: Node, values: Sequence[Value | None], b: PlanBuilder) -> list[Value]:
        op = OPS[node.op_type]
        if op.host_form and not any(isinstance(v, DeviceTensor) for v in values):
            return list(op.host(node, values))  # type: ignore[arg-type]
        return op.emit(node, values, b)

    # --- running ---------------------------------------------------------------------

    def run(self, arrays: Sequence[HostArray]) -> dict[str, HostArray]:
        """Run with one C-contiguous array per graph input (in the graph's order)."""
        names = [t.name for t in self.graph.inputs]
        for name, size in self.index_checks:
            indices = arrays[names.index(name)]
            if indices.size and (indices.min() < -size or indices.max() >= size):
                bad = indices[(indices < -size) | (indices >= size)].reshape(-1)[0]
                raise ValueError(f"input {name!r}: index {bad} is out of range (0..{size - 1})")
        plan = self.plan(tuple(tuple(a.shape) for a in arrays))
        return plan.replay(self.queue, arrays)

    def close(self) -> None:
        """Drop every plan and device copy (the buffers are freed with them)."""
        self.plans.clear()
        known = self.uploads.known
        self.uploads = StaticUploads(self.uploads.context, self.uploads.queue)
        self.uploads.known = known
