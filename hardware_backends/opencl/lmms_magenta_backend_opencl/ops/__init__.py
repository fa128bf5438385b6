"""The op set of the OpenCL executor, grouped by family.

:data:`OPS` maps an ONNX op type (default domain) to its implementation. It is exactly
what the models the features ship use (the groove VAE, the pattern encoders and
sampling decoders, the test fixtures' GRU step and MLP), plus the obvious siblings of
those ops (Neg, Less, Equal, Flatten, LSTM). A model with any other op is reported
unsupported and runs on the CPU instead.
"""

from __future__ import annotations

from .base import Op
from .elementwise import ELEMENTWISE_OPS
from .matmul import MATMUL_OPS
from .movement import MOVEMENT_OPS
from .recurrent import RECURRENT_OPS
from .reduction import REDUCTION_OPS
from .shape import SHAPE_OPS

__all__ = ["OPS", "Op"]

OPS: dict[str, Op] = {
    **SHAPE_OPS,
    **MOVEMENT_OPS,
    **ELEMENTWISE_OPS,
    **MATMUL_OPS,
    **RECURRENT_OPS,
    **REDUCTION_OPS,
}
