"""The op set of the OpenCL executor, grouped by family.

:data:`OPS` maps an ONNX op type (default domain) to its implementation. It is what
the models the features ship use, plus the obvious siblings of those ops:

- the groove VAE, the pattern encoders and the test fixtures' GRU step and MLP: GRU,
  Gemm, MatMul, Concat, Split, Slice, Transpose, Reshape and the other views, the
  activations and arithmetic;
- the decoders' sampling, in both exported forms. The ArgMax form
  (``argmax(logits + noise)`` -> ``Gather`` of the embedding at that index, with
  ``Greater`` for drum hits) and the arithmetic one-hot form the decoders use so that
  backends lacking ArgMax and computed-index Gather (ncnn, the Vulkan path) run them
  too: ``ReduceMax(keepdims) -> Sub -> Clip(0, 1) -> Ceil -> 1 - x`` gives the one-hot
  row, ``MatMul`` with constant tables gives the embedding, drum hits and token number,
  ``Cast`` turns the latter into int64;
- what the exporter may emit around those (``Floor``, ``ReduceSum``, ``Expand``,
  ``Where``) and siblings (Neg, Less, Equal, Flatten, LSTM).

A model with any other op is reported unsupported and runs on the CPU instead; an op
is added here with its kernels and a test against ONNX Runtime, never as a host
fallback for device data (a host round trip per decoding step would cost more than the
model itself).
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
