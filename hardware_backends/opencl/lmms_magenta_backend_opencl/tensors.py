"""Tensors of the OpenCL executor: device tensors, host values, dtypes and strides.

A value in a running graph is either a :class:`DeviceTensor` (a ``cl.Buffer`` holding
a C-contiguous array on the device, with its shape and dtype known on the host) or a
host ``numpy`` array (constants, and the small shape tensors computed on the host, see
:mod:`.executor`). Reshape-like ops make views: a new :class:`DeviceTensor` on the same
buffer. Kernels address operands through strides padded to rank 8 (:func:`pad8`), the
form ``cl/common.cl`` expects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "CL_TYPES",
    "MAX_RANK",
    "DeviceTensor",
    "HostArray",
    "Value",
    "broadcast_strides",
    "contiguous_strides",
    "int8_vector",
    "pad8",
]

MAX_RANK = 8
HostArray = np.ndarray[Any, Any]

#: numpy dtype -> OpenCL C type of the elementwise/cast kernels (bool is stored as uchar)
CL_TYPES: dict[np.dtype[Any], str] = {
    np.dtype(np.float32): "float",
    np.dtype(np.int64): "long",
    np.dtype(np.int32): "int",
    np.dtype(np.bool_): "uchar",
}


@dataclass(eq=False)
class DeviceTensor:
    """A C-contiguous array in a device buffer (``buffer`` is a ``pyopencl.Buffer``)."""

    buffer: Any
    shape: tuple[int, ...]
    dtype: np.dtype[Any]

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    @property
    def nbytes(self) -> int:
        return self.size * self.dtype.itemsize

    def view(self, shape: Sequence[int]) -> DeviceTensor:
        """The same buffer seen with another shape of the same size (Reshape, Squeeze ...)."""
        shape = tuple(int(d) for d in shape)
        if int(np.prod(shape, dtype=np.int64)) != self.size:
            raise ValueError(f"cannot view {self.shape} as {shape}")
        return DeviceTensor(self.buffer, shape, self.dtype)


Value = DeviceTensor | HostArray


def contiguous_strides(shape: Sequence[int]) -> tuple[int, ...]:
    """Element strides of a C-contiguous array of ``shape``."""
    strides = []
    step = 1
    for dim in reversed(shape):
        strides.append(step)
        step *= max(int(dim), 1)
    return tuple(reversed(strides))


def broadcast_strides(shape: Sequence[int], out_shape: Sequence[int]) -> tuple[int, ...]:
    """Strides that read a contiguous ``shape`` array broadcast to ``out_shape``."""
    pad = len(out_shape) - len(shape)
    if pad < 0:
        raise ValueError(f"cannot broadcast {tuple(shape)} to {tuple(out_shape)}")
    own = contiguous_strides(shape)
    strides = [0] * pad
    for dim, stride, out in zip(shape, own, out_shape[pad:], strict=True):
        if dim == out:
            strides.append(stride)
        elif dim == 1:
            strides.append(0)
        else:
            raise ValueError(f"cannot broadcast {tuple(shape)} to {tuple(out_shape)}")
    return tuple(strides)


def int8_vector(values: Sequence[int]) -> Any:
    """An OpenCL ``int8`` kernel argument holding ``values`` (at most 8, rest 0)."""
    if len(values) > MAX_RANK:
        raise ValueError(f"rank {len(values)} is above the supported {MAX_RANK}")
    vec = np.zeros(MAX_RANK, dtype=np.int32)
    vec[: len(values)] = values
    return vec.view(_INT8)[0]


def pad8(shape: Sequence[int], *strides: Sequence[int]) -> tuple[Any, ...]:
    """``shape`` and each stride tuple as ``int8`` vectors, padded at the front to rank 8.

    Padding dimensions have size 1 and stride 0, so the unravel in ``cl/common.cl``
    leaves them at index 0.
    """
    pad = MAX_RANK - len(shape)
    if pad < 0:
        raise ValueError(f"rank {len(shape)} is above the supported {MAX_RANK}")
    out = [int8_vector([1] * pad + [int(d) for d in shape])]
    for stride in strides:
        out.append(int8_vector([0] * pad + [int(s) for s in stride]))
    return tuple(out)


def _int8_dtype() -> np.dtype[Any]:
    """The numpy layout of an OpenCL ``int8`` (pyopencl's ``cltypes.int8``)."""
    from pyopencl import cltypes

    return np.dtype(cltypes.int8)


_INT8 = _int8_dtype()
