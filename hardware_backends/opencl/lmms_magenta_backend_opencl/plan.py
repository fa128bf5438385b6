"""Execution plans: every kernel launch of one graph run, prepared once per input shapes.

Running an ONNX graph node by node in Python costs far more than the kernels of a
model this small. So the executor *plans* a run once per set of input shapes
(:class:`PlanBuilder`): it walks the graph, works out every shape on the host, picks
each kernel, allocates every device buffer and sets every kernel argument. The
resulting :class:`Plan` is then *replayed* on each call with the same shapes: upload
the inputs, enqueue the prepared kernels in order on an in-order queue, read the
outputs - no shape logic, no allocation, no argument setting.

Buffers are reused within a plan: when a value is read for the last time its buffer
goes back to a free list (by byte size) and a later value of the same size takes it.
On an in-order queue that is safe, because the replay keeps the planned order.
Host values uploaded while planning (constants, shape-derived tensors) get buffers of
their own that are never recycled, since they are written only once. Weights (the
graph's static values) are uploaded once per session and shared by all its plans.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .tensors import DeviceTensor, HostArray, Value

__all__ = ["Plan", "PlanBuilder", "StaticUploads"]

#: numpy scalar types for Python kernel arguments
_SCALARS: dict[type, Any] = {int: np.int32, float: np.float32}


class StaticUploads:
    """Device copies of a session's static host arrays (weights), uploaded once.

    ``known`` holds the identities of the static arrays (registered by the executor,
    which keeps them alive for the session); copies are keyed by identity too, and
    keep their array alive so an identity is never reused while cached.
    """

    def __init__(self, context: Any, queue: Any) -> None:
        self.context = context
        self.queue = queue
        self._copies: dict[int, tuple[HostArray, DeviceTensor]] = {}
        self._transposed: dict[int, tuple[HostArray, DeviceTensor]] = {}
        #: identities of the session's static arrays (the executor keeps them alive)
        self.known: set[int] = set()

    def __contains__(self, array: HostArray) -> bool:
        return id(array) in self.known

    def upload(self, array: HostArray) -> DeviceTensor:
        """The device copy of ``array`` (uploaded on first request)."""
        found = self._copies.get(id(array))
        if found is not None:
            return found[1]
        tensor = upload(self.context, self.queue, array)
        self._copies[id(array)] = (array, tensor)
        return tensor

    def transposed(self, array: HostArray) -> DeviceTensor:
        """The device copy of ``array`` with its last two axes swapped (made once)."""
        found = self._transposed.get(id(array))
        if found is None:
            found = (array, upload(self.context, self.queue, np.swapaxes(array, -1, -2)))
            self._transposed[id(array)] = found
        return found[1]


def upload(context: Any, queue: Any, array: HostArray) -> DeviceTensor:
    """A new device buffer holding ``array`` (blocking copy)."""
    import pyopencl as cl

    data = np.asarray(array)
    if not data.flags.c_contiguous:
        data = data.copy(order="C")  # not ascontiguousarray: it turns 0-d into 1-d
    buffer = cl.Buffer(context, cl.mem_flags.READ_WRITE, max(data.nbytes, 1))
    if data.nbytes:
        cl.enqueue_copy(queue, buffer, data, is_blocking=True)
    return DeviceTensor(buffer, tuple(data.shape), data.dtype)


@dataclass
class Step:
    """One prepared kernel launch (arguments already set on its own kernel object)."""

    kernel: Any
    global_size: tuple[int, ...]


@dataclass
class Plan:
    """A prepared run of the graph for one set of input shapes."""

    inputs: list[tuple[str, DeviceTensor]]
    steps: list[Step]
    outputs: list[tuple[str, Value]]
    #: every buffer the plan uses (kept alive with it)
    buffers: list[Any] = field(default_factory=list)

    def replay(self, queue: Any, feeds: Sequence[HostArray]) -> dict[str, HostArray]:
        """Upload ``feeds`` (in input order), run every step, return the outputs."""
        import pyopencl as cl

        enqueue_copy = cl.enqueue_copy
        enqueue = cl.enqueue_nd_range_kernel
        for (_, slot), array in zip(self.inputs, feeds, strict=True):
            if array.nbytes:
                enqueue_copy(queue, slot.buffer, array, is_blocking=False)
        for step in self.steps:
            enqueue(queue, step.kernel, step.global_size, None)
        results: dict[str, HostArray] = {}
        for name, value in self.outputs:
            if isinstance(value, DeviceTensor):
                out = np.empty(value.shape, dtype=value.dtype)
                if out.nbytes:
                    enqueue_copy(queue, out, value.buffer, is_blocking=False)
                results[name] = out
            else:
                results[name] = np.array(value, copy=True)
        queue.finish()
        return results


class PlanBuilder:
    """What op kernels use while planning: allocate, upload, launch, release."""

    def __init__(self, program: Any, static: StaticUploads) -> None:
        self.program = program
        self.static = static
        self.context = static.context
        self.queue = static.queue
        self.steps: list[Step] = []
        self.buffers: list[Any] = []
        self._free: dict[int, list[Any]] = {}
        self._refs: dict[int, int] = {}
        self._recyclable: set[int] = set()
        self._uploads: dict[int, tuple[HostArray, DeviceTensor]] = {}

    # --- memory --------------------------------------------------------------------

    def alloc(self, shape: Sequence[int], dtype: Any) -> DeviceTensor:
        """A device tensor for a computed value (a recycled buffer when one fits)."""
        import pyopencl as cl

        dtype = np.dtype(dtype)
        shape = tuple(int(d) for d in shape)
        nbytes = max(int(np.prod(shape, dtype=np.int64)) * dtype.itemsize, 1)
        free = self._free.get(nbytes)
        if free:
            buffer = free.pop()
        else:
            buffer = cl.Buffer(self.context, cl.mem_flags.READ_WRITE, nbytes)
            self.buffers.append(buffer)
            self._recyclable.add(id(buffer))
        return DeviceTensor(buffer, shape, dtype)

    def device(self, value: Value) -> DeviceTensor:
        """``value`` on the device: static weights from the session, others uploaded once."""
        if isinstance(value, DeviceTensor):
            return value
        if value in self.static:
            return self.static.upload(value)
        found = self._uploads.get(id(value))
        if found is None:
            found = (value, upload(self.context, self.queue, value))
            self._uploads[id(value)] = found
            self.buffers.append(found[1].buffer)
        return found[1]

    def device_transposed(self, value: Value) -> DeviceTensor | None:
        """A host matrix uploaded with its last two axes swapped, or ``None`` on the device.

        Weights are re-laid out once so that matrix products read both operands along
        contiguous rows (see ``cl/matmul.cl``); a static weight is transposed once per
        session, a planning-time host value once per plan.
        """
        if isinstance(value, DeviceTensor):
            return None
        if value in self.static:
            return self.static.transposed(value)
        return self.device(np.ascontiguousarray(np.swapaxes(value, -1, -2)))

    def hold(self, tensor: DeviceTensor) -> None:
        """Count one more live value on ``tensor``'s buffer (a view shares it)."""
        key = id(tensor.buffer)
        self._refs[key] = self._refs.get(key, 0) + 1

    def release(self, tensor: DeviceTensor) -> None:
        """One live value on the buffer is dead; recycle the buffer when none is left."""
        key = id(tensor.buffer)
        count = self._refs.get(key, 0) - 1
        self._refs[key] = count
        if count <= 0 and key in self._recyclable:
            self._refs.pop(key, None)
            self._free.setdefault(tensor.buffer.size, []).append(tensor.buffer)

    def pin(self, tensor: DeviceTensor) -> None:
        """Never recycle ``tensor``'s buffer (graph inputs and outputs)."""
        self._recyclable.discard(id(tensor.buffer))

    # --- kernels -------------------------------------------------------------------

    def launch(self, name: str, global_size: int | tuple[int, ...], *args: Any) -> None:
        """Add a launch of kernel ``name``: device tensors pass their buffer, ints are int32."""
        import pyopencl as cl

        size = (global_size,) if isinstance(global_size, int) else tuple(global_size)
        if min(size) <= 0:
            return  # an empty tensor: nothing to compute
        kernel = cl.Kernel(self.program, name)
        kernel.set_args(*(_argument(a) for a in args))
        self.steps.append(Step(kernel, size))


def _argument(arg: Any) -> Any:
    if isinstance(arg, DeviceTensor):
        return arg.buffer
    convert = _SCALARS.get(type(arg))
    return convert(arg) if convert else arg
