"""Models the vulkan backend refuses, each with a one-line reason, running on the CPU instead.

Real models, converted for real with pnnx and loaded in ncnn (no mocks), each refused
at a different check of the conversion:

- ``ArgMax``: pnnx maps it to an ncnn layer this ncnn build knows by name but cannot
  create (the PyPI ncnn is built without it): refused before ncnn ever loads the graph;
- a GRU whose output sequence is unused (only its last state is read, as in an
  encoder): pnnx 20261020 then leaves the raw ONNX GRU, with its weights as inputs,
  and ncnn refuses to load that graph - the refusal quotes ncnn's own complaint;
- a 1-D integer input (``style`` of shape ``[batch]``) embedded and concatenated with
  a float vector: pnnx writes a ``Concat`` of a 1-D and a 2-D blob, which ncnn's CPU
  path computes right and its Vulkan layer does not; the drift check runs on every
  Vulkan device, so it is refused naming ``vulkan:0``;
- an output that is its input, cast: pnnx folds the graph into one renamed ``Input``
  blob, and ncnn crashes when asked for a blob its graph lacks - refused before that.

In each case the kernel, pinned to vulkan, runs the model on ``cpu:cpu`` and gives
ONNX Runtime's results.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from onnx import TensorProto
from onnx import helper as oh
from realbackends import MakeKernel, backend_of
from vulkan_env import NO_MEASURE, save_model

from lmms_magenta.hardware import select_hardware
from lmms_magenta.hardware_sessions import open_session

FLOAT, INT64 = TensorProto.FLOAT, TensorProto.INT64
RNG = np.random.default_rng(31)


def normal(*shape: int) -> np.ndarray:
    return RNG.standard_normal(shape).astype(np.float32)


def argmax_model(path: Path) -> Path:
    nodes = [
        oh.make_node("MatMul", ["x", "w"], ["scores"]),
        oh.make_node("ArgMax", ["scores"], ["choice"], axis=1, keepdims=0),
    ]
    return save_model(
        path,
        nodes,
        [("x", FLOAT, ["batch", 8])],
        [("choice", INT64, ["batch"])],
        {"w": normal(8, 5)},
    )


def gru_last_state_model(path: Path) -> Path:
    """A one-layer GRU over 6 steps; only its last hidden state ``Y_h`` is used."""
    hidden, size_in = 8, 4
    nodes = [
        oh.make_node(
            "GRU",
            ["x", "W", "R", "B"],
            ["", "state"],
            hidden_size=hidden,
            linear_before_reset=1,
        ),
    ]
    return save_model(
        path,
        nodes,
        [("x", FLOAT, [6, 1, size_in])],
        [("state", FLOAT, [1, 1, hidden])],
        {
            "W": normal(1, 3 * hidden, size_in),
            "R": normal(1, 3 * hidden, hidden),
            "B": normal(1, 6 * hidden),
        },
    )


def style_concat_model(path: Path) -> Path:
    """``[z, embedding[style]] @ w`` with ``style`` int64 of shape ``[batch]``."""
    nodes = [
        oh.make_node("Gather", ["table", "style"], ["styled"]),
        oh.make_node("Concat", ["z", "styled"], ["joined"], axis=1),
        oh.make_node("MatMul", ["joined", "w"], ["out"]),
    ]
    return save_model(
        path,
        nodes,
        [("z", FLOAT, ["batch", 32]), ("style", INT64, ["batch"])],
        [("out", FLOAT, ["batch", 8])],
        {"table": normal(19, 16), "w": normal(48, 8)},
    )


def cast_input_model(path: Path) -> Path:
    nodes = [oh.make_node("Cast", ["x"], ["steps"], to=INT64)]
    return save_model(path, nodes, [("x", FLOAT, ["batch", 8])], [("steps", INT64, ["batch", 8])])


def refused(make_vulkan: MakeKernel, model: Path, feeds: dict[str, Any]) -> tuple[str, dict]:
    """The vulkan backend's reason for refusing ``model`` and what the kernel ran instead."""
    kernel = make_vulkan("cpu", "vulkan", backend="vulkan", settings=NO_MEASURE)
    device = select_hardware(kernel).device
    assert device is not None and device.key == "vulkan:0"
    backend = backend_of(kernel, "vulkan")
    assert backend.precisions(model, device) == []
    problem = backend.problem(model) or ""
    prefix = f"{model}: cannot convert the model to ncnn (fp32): "
    assert problem.startswith(prefix), problem
    reason = problem[len(prefix) :]
    assert "\n" not in reason and "converter stopped" not in reason, reason
    with open_session(kernel, model) as session:
        assert session.device.key == "cpu:cpu"
        assert reason in (session.fallback_reason or "")
        return reason, session.run(feeds)


def onnxruntime_run(model: Path, feeds: dict[str, Any]) -> list[np.ndarray]:
    import onnxruntime as ort

    session = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"])
    return list(session.run(None, feeds))


def test_a_layer_ncnn_cannot_create_is_named(make_vulkan: MakeKernel, tmp_path: Path) -> None:
    model = argmax_model(tmp_path / "argmax.onnx")
    feeds = {"x": normal(3, 8)}
    reason, out = refused(make_vulkan, model, feeds)
    assert reason == "pnnx left operators that ncnn does not have: ArgMax"
    np.testing.assert_array_equal(out["choice"], onnxruntime_run(model, feeds)[0])


def test_a_graph_ncnn_cannot_load_is_refused_with_ncnns_reason(
    make_vulkan: MakeKernel, tmp_path: Path
) -> None:
    model = gru_last_state_model(tmp_path / "gru_last_state.onnx")
    feeds = {"x": normal(6, 1, 4)}
    reason, out = refused(make_vulkan, model, feeds)
    assert reason.startswith("ncnn cannot load the converted graph (ncnn: "), reason
    assert "GRU" in reason
    np.testing.assert_array_equal(out["state"], onnxruntime_run(model, feeds)[0])


def test_a_model_a_vulkan_device_miscomputes_is_refused(
    make_vulkan: MakeKernel, tmp_path: Path
) -> None:
    model = style_concat_model(tmp_path / "style_concat.onnx")
    feeds = {"z": normal(2, 32), "style": np.array([3, 11], np.int64)}
    reason, out = refused(make_vulkan, model, feeds)
    # were it measured on ncnn's CPU path only, this conversion would pass and run wrong
    assert reason.startswith("on vulkan:0 the converted model's outputs differ"), reason
    np.testing.assert_array_equal(out["out"], onnxruntime_run(model, feeds)[0])


def test_a_graph_without_the_models_blobs_is_refused(
    make_vulkan: MakeKernel, tmp_path: Path
) -> None:
    model = cast_input_model(tmp_path / "cast_input.onnx")
    feeds = {"x": normal(2, 8) * 4}
    reason, out = refused(make_vulkan, model, feeds)
    assert reason == "pnnx's graph has no input blob in0 for 'x'"
    np.testing.assert_array_equal(out["steps"], onnxruntime_run(model, feeds)[0])
