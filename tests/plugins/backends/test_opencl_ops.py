"""Each op form of the OpenCL executor equals ONNX Runtime, one small model per case.

The shipped models exercise the common forms (test_opencl_equivalence.py); these cases
cover the rest of the op set: LSTM cells (forward, bidirectional, initial states),
GRU over several steps in every direction, strided and negative-step Slice, batched
and 1-D MatMul, Gemm with transposes and scaling, Gather on an inner axis, ArgMax
options, integer and comparison arithmetic, views. Sessions are created on the backend
directly (no fallback), so a wrong kernel cannot hide behind the CPU.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from opencl_env import backend_of, kernel_factory, opencl_dirs, require_opencl_device

from lmms_magenta.hardware import Device, select_hardware

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

F, I64, BOOL = TensorProto.FLOAT, TensorProto.INT64, TensorProto.BOOL
RNG = np.random.default_rng(11)


def weights(*shape: int) -> Any:
    return (RNG.standard_normal(shape) * 0.5).astype(np.float32)


def const(name: str, values: Any, dtype: Any = np.int64) -> Any:
    return numpy_helper.from_array(np.asarray(values, dtype=dtype), name)


def model(
    nodes: list[Any],
    inputs: list[tuple[str, int, list[Any]]],
    outputs: list[tuple[str, int]],
    inits: list[Any] = (),
) -> Any:
    graph = helper.make_graph(
        nodes,
        "case",
        [helper.make_tensor_value_info(n, t, s) for n, t, s in inputs],
        [helper.make_tensor_value_info(n, t, None) for n, t in outputs],
        list(inits),
    )
    built = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    built.ir_version = 8
    return built


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


def single(op: str, inputs: list[tuple[str, int, list[Any]]], out_type: int = F, **attrs: Any):
    """A model of one node reading the named graph inputs (and ``inits``)."""

    def build(inits: list[Any] = (), extra: list[str] = ()) -> Any:
        node = helper.make_node(op, [n for n, _, _ in inputs] + list(extra), ["out"], **attrs)
        return model([node], inputs, [("out", out_type)], inits)

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
}


def feeds_for(built: Any) -> dict[str, Any]:
    rng = np.random.default_rng(5)
    feeds = {}
    for info in built.graph.input:
        shape = [d.dim_value for d in info.type.tensor_type.shape.dim]
        if info.type.tensor_type.elem_type == I64:
            feeds[info.name] = rng.integers(-9, 10, shape).astype(np.int64)
            if info.name == "b":
                feeds[info.name][feeds[info.name] == 0] = 3  # no division by zero
        else:
            feeds[info.name] = rng.standard_normal(shape).astype(np.float32)
    return feeds


@pytest.fixture(scope="module")
def opencl(
    request: pytest.FixtureRequest,
    installed: dict[str, Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Any, Device]:
    dirs = opencl_dirs(request, installed)
    require_opencl_device()
    kernel = kernel_factory(tmp_path_factory.mktemp("ops"), dirs)(
        "cpu", "opencl", settings={"cpu": {"measure": False}, "opencl": {"measure": False}}
    )
    device = next(d for d in select_hardware(kernel).devices if d.backend == "opencl")
    return backend_of(kernel, "opencl"), device


@pytest.mark.parametrize("case", sorted(CASES))
def test_op_case_equals_onnxruntime(opencl: tuple[Any, Device], tmp_path: Path, case: str) -> None:
    backend, device = opencl
    built = CASES[case]()
    path = tmp_path / f"{case}.onnx"
    onnx.save(built, str(path))
    assert backend.unsupported(path) is None
    feeds = feeds_for(built)
    reference = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    want = dict(
        zip([o.name for o in reference.get_outputs()], reference.run(None, feeds), strict=True)
    )
    with backend.create_session(path, device) as session:
        got = session.run(feeds)
    assert set(got) == set(want)
    for name, expected in want.items():
        assert got[name].shape == expected.shape and got[name].dtype == expected.dtype, name
        if expected.dtype.kind == "f":
            np.testing.assert_allclose(got[name], expected, rtol=0, atol=1e-5, err_msg=name)
        else:
            np.testing.assert_array_equal(got[name], expected, err_msg=name)
