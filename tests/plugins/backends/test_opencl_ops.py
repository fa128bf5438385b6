"""Each op form of the OpenCL executor equals ONNX Runtime, one small model per case.

The shipped models exercise the common forms (test_opencl_equivalence.py, and the
decoders' one-hot sampling step in test_opencl_sampling.py); these cases cover the rest
of the op set: LSTM cells (forward, bidirectional, initial states), GRU over several
steps in every direction, strided and negative-step Slice, batched and 1-D MatMul, Gemm
with transposes and scaling, Gather on an inner axis, ArgMax options, ReduceMax and
ReduceSum (axes as attribute or input, negative, non-adjacent, all or none, keepdims),
Ceil/Floor, Clip with one bound, Cast truncation, Expand, Where, integer and comparison
arithmetic, views. Sessions are created on the backend directly (no fallback), so a
wrong kernel cannot hide behind the CPU.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from opencl_env import (
    assert_equals_onnxruntime,
    const,
    onnx_model,
)

from lmms_magenta.hardware import Device

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

F, I32, I64, BOOL = TensorProto.FLOAT, TensorProto.INT32, TensorProto.INT64, TensorProto.BOOL
RNG = np.random.default_rng(11)
model = onnx_model


def weights(*shape: int) -> Any:
    return (RNG.standard_normal(shape) * 0.5).astype(np.float32)


def recurrent(op: str, direction: str, with_states: bool, steps: int = 4) -> Any:
    gates, hidden, size_in, batch = (4 if op == "LSTM" else 3), 5, 3, 2
    dirs = 2 if direction == "bidirectional" else 1
    inits = [
        numpy_helper.from_array(weights(dirs, gates * hidden, size_in), "W"),
        numpy_helper.from_array(weights(dirs, gates * hidden, hidden), "R"),
        numpy_helper.from_array(weights(dirs, 2 * gates * hidden), "B"),
    ]
    names = ["x", "W", "R", "B", ""]
    inputs = [("x", F, [steps, batch, size_in])]
    if with_states:
        names.append("h0")
        inputs.append(("h0", F, [dirs, batch, hidden]))
        if op == "LSTM":
            names.append("c0")
            inputs.append(("c0", F, [dirs, batch, hidden]))
    outs = ["y", "yh", "yc"] if op == "LSTM" else ["y", "yh"]
    attrs: dict[str, Any] = {"hidden_size": hidden, "direction": direction}
    if op == "GRU":
        attrs["linear_before_reset"] = 1
    node = helper.make_node(op, names, outs, **attrs)
    return model([node], inputs, [(o, F) for o in outs], inits)


def single(
    op: str,
    inputs: list[tuple[str, int, list[Any]]],
    out_type: int = F,
    opset: int = 17,
    **attrs: Any,
) -> Callable[..., Any]:
    """A model of one node reading the named graph inputs (and ``inits``)."""

    def build(inits: list[Any] = (), extra: list[str] = ()) -> Any:
        node = helper.make_node(op, [n for n, _, _ in inputs] + list(extra), ["out"], **attrs)
        return model([node], inputs, [("out", out_type)], inits, opset=opset)

    return build


CASES: dict[str, Callable[[], Any]] = {
    **{
        f"{op}-{d}-{'states' if s else 'zeros'}": (lambda op=op, d=d, s=s: recurrent(op, d, s))
        for op in ("LSTM", "GRU")
        for d in ("forward", "reverse", "bidirectional")
        for s in (True, False)
    },
    "LSTM-bidirectional-one-step": lambda: recurrent("LSTM", "bidirectional", True, steps=1),
    "GRU-bidirectional-one-step": lambda: recurrent("GRU", "bidirectional", True, steps=1),
    "slice-negative-step": lambda: single("Slice", [("a", F, [4, 6])])(
        [const("st", [3, -1]), const("en", [-10, 0]), const("ax", [0, 1]), const("sp", [-1, -2])],
        ["st", "en", "ax", "sp"],
    ),
    "transpose-4d": lambda: single("Transpose", [("a", F, [2, 3, 4, 5])], perm=[2, 0, 3, 1])(),
    "split-uneven": lambda: model(
        [helper.make_node("Split", ["a", "sizes"], ["p", "q"], axis=1)],
        [("a", F, [3, 7])],
        [("p", F), ("q", F)],
        [const("sizes", [2, 5])],
    ),
    "concat-inner-axis": lambda: single(
        "Concat", [("a", F, [2, 3, 2]), ("b", F, [2, 1, 2])], axis=-2
    )(),
    "gather-axis1-2d": lambda: single("Gather", [("a", F, [3, 5, 2])], axis=1)(
        [const("idx", [[4, 0], [-1, 2]])], ["idx"]
    ),
    "argmax-last-flat": lambda: single(
        "ArgMax", [("a", F, [3, 4, 5])], I64, axis=1, keepdims=0, select_last_index=1
    )(),
    "argmax-keepdims": lambda: single("ArgMax", [("a", F, [3, 4, 5])], I64, axis=-1)(),
    "matmul-batched": lambda: single("MatMul", [("a", F, [2, 3, 4]), ("b", F, [2, 4, 5])])(),
    "matmul-broadcast-weight": lambda: single("MatMul", [("a", F, [2, 3, 4])])(
        [numpy_helper.from_array(weights(4, 6), "w")], ["w"]
    ),
    "matmul-vector": lambda: single("MatMul", [("a", F, [4]), ("b", F, [4, 3])])(),
    "gemm-transposes": lambda: single(
        "Gemm", [("a", F, [4, 3]), ("b", F, [5, 4])], transA=1, transB=1, alpha=0.5, beta=2.0
    )([numpy_helper.from_array(weights(5), "c")], ["c"]),
    "gemm-weight-row-bias": lambda: single("Gemm", [("a", F, [2, 9])])(
        [
            numpy_helper.from_array(weights(9, 70), "w"),
            numpy_helper.from_array(weights(1, 70), "c"),
        ],
        ["w", "c"],
    ),
    "div-int64": lambda: single("Div", [("a", I64, [5]), ("b", I64, [5])], I64)(),
    "greater-broadcast": lambda: single("Greater", [("a", F, [3, 1]), ("b", F, [4])], BOOL)(),
    "equal-int64": lambda: single("Equal", [("a", I64, [6]), ("b", I64, [1])], BOOL)(),
    "cast-bool-float": lambda: model(
        [
            helper.make_node("Less", ["a", "b"], ["m"]),
            helper.make_node("Cast", ["m"], ["out"], to=F),
        ],
        [("a", F, [2, 3]), ("b", F, [2, 3])],
        [("out", F)],
    ),
    "clip-exp-neg-sigmoid": lambda: model(
        [
            helper.make_node("Clip", ["a", "lo", "hi"], ["c"]),
            helper.make_node("Exp", ["c"], ["e"]),
            helper.make_node("Neg", ["e"], ["n"]),
            helper.make_node("Sigmoid", ["n"], ["s"]),
            helper.make_node("Tanh", ["s"], ["out"]),
        ],
        [("a", F, [3, 4])],
        [("out", F)],
        [const("lo", -0.5, np.float32), const("hi", 0.75, np.float32)],
    ),
    "reshape-flatten-squeeze": lambda: model(
        [
            helper.make_node("Reshape", ["a", "shape"], ["r"]),
            helper.make_node("Flatten", ["r"], ["f"], axis=2),
            helper.make_node("Unsqueeze", ["f", "ax"], ["u"]),
            helper.make_node("Squeeze", ["u"], ["s"]),
            helper.make_node("Relu", ["s"], ["out"]),
        ],
        [("a", F, [2, 3, 4])],
        [("out", F)],
        [const("shape", [0, -1, 2, 1]), const("ax", [0, 3])],
    ),
    "ceil-floor": lambda: model(
        [
            helper.make_node("Mul", ["a", "k"], ["x"]),
            helper.make_node("Ceil", ["x"], ["up"]),
            helper.make_node("Floor", ["x"], ["down"]),
        ],
        [("a", F, [4, 5])],
        [("up", F), ("down", F)],
        [const("k", 2.5, np.float32)],
    ),
    "clip-min-only": lambda: single("Clip", [("a", F, [3, 4])])(
        [const("lo", -0.25, np.float32)], ["lo"]
    ),
    "clip-max-only": lambda: single("Clip", [("a", F, [3, 4])])(
        [const("hi", 0.5, np.float32)], ["", "hi"]
    ),
    "cast-float-int-truncates": lambda: model(
        [
            helper.make_node("Mul", ["a", "k"], ["x"]),
            helper.make_node("Cast", ["x"], ["long"], to=I64),
            helper.make_node("Cast", ["x"], ["int"], to=I32),
        ],
        [("a", F, [5, 8])],
        [("long", I64), ("int", I32)],
        [const("k", 3.7, np.float32)],
    ),
    "reducemax-last-keepdims": lambda: single(
        "ReduceMax", [("a", F, [3, 4, 5])], axes=[-1], keepdims=1
    )(),
    "reducemax-outer-inner-flat": lambda: single(
        "ReduceMax", [("a", F, [3, 4, 5])], axes=[0, -1], keepdims=0
    )(),
    "reducemax-all": lambda: single("ReduceMax", [("a", F, [3, 4, 5])], keepdims=0)(),
    "reducemax-int64": lambda: single("ReduceMax", [("a", I64, [3, 4])], I64, axes=[1])(),
    "reducemax-opset18-axes-input": lambda: single("ReduceMax", [("a", F, [2, 3, 4])], opset=18)(
        [const("ax", [-2])], ["ax"]
    ),
    "reducesum-axes-input": lambda: single("ReduceSum", [("a", F, [2, 3, 4])])(
        [const("ax", [1])], ["ax"]
    ),
    "reducesum-negative-nonadjacent": lambda: single(
        "ReduceSum", [("a", F, [2, 3, 4, 5])], keepdims=0
    )([const("ax", [-1, 1])], ["ax"]),
    "reducesum-across-size-1": lambda: single("ReduceSum", [("a", F, [4, 1, 5])], keepdims=0)(
        [const("ax", [0, 2])], ["ax"]
    ),
    "reducesum-all": lambda: single("ReduceSum", [("a", F, [3, 4])], keepdims=0)(),
    "reducesum-noop": lambda: single("ReduceSum", [("a", F, [3, 4])], noop_with_empty_axes=1)(
        [const("ax", [], np.int64)], ["ax"]
    ),
    "reducesum-long-row": lambda: single("ReduceSum", [("a", F, [3, 1000])])(
        [const("ax", [1])], ["ax"]
    ),
    "reducesum-int64": lambda: single("ReduceSum", [("a", I64, [3, 4])], I64, keepdims=0)(
        [const("ax", [0])], ["ax"]
    ),
    "expand-rank-up": lambda: single("Expand", [("a", F, [3, 1])])(
        [const("shape", [2, 1, 4])], ["shape"]
    ),
    "expand-int64": lambda: single("Expand", [("a", I64, [1, 4])], I64)(
        [const("shape", [3, 1])], ["shape"]
    ),
    "where-broadcast": lambda: model(
        [
            helper.make_node("Less", ["a", "zero"], ["neg"]),
            helper.make_node("Where", ["neg", "b", "a"], ["out"]),
        ],
        [("a", F, [3, 4]), ("b", F, [4])],
        [("out", F)],
        [const("zero", [[0.0]], np.float32)],
    ),
}


#: cases whose float error grows with size: ONNX Runtime's own error on a 1000-term sum
#: is ~1e-5 (test_reduce_sum_is_compensated pins down the executor's side)
TOLERANCE = {"reducesum-long-row": 1e-4}


@pytest.mark.parametrize("case", sorted(CASES))
def test_op_case_equals_onnxruntime(
    opencl_backend: tuple[Any, Device], tmp_path: Path, case: str
) -> None:
    built = CASES[case]()
    assert_equals_onnxruntime(
        opencl_backend, built, tmp_path / f"{case}.onnx", atol=TOLERANCE.get(case, 1e-5)
    )


def test_reduce_sum_is_compensated(opencl_backend: tuple[Any, Device], tmp_path: Path) -> None:
    """A long float sum is the exact sum rounded once (a plain loop is ~10 ulps off)."""
    backend, device = opencl_backend
    path = tmp_path / "sum.onnx"
    onnx.save(CASES["reducesum-long-row"](), str(path))
    rows = np.random.default_rng(3).standard_normal([4, 1000]).astype(np.float32) * 50
    rows[:, ::2] += 1000.0  # large and small terms: a naive sum loses the small ones
    exact = rows.astype(np.float64).sum(axis=1, keepdims=True)
    with backend.create_session(path, device) as session:
        got = session.run({"a": rows})["out"]
    np.testing.assert_allclose(got, exact.astype(np.float32), rtol=2**-23, atol=0)
