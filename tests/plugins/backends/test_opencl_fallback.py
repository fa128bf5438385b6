"""A model the OpenCL executor cannot run is reported unsupported and runs on the CPU.

The refusals are real: ``ml_scaler`` uses ``ai.onnx.ml.Scaler`` (not in the executor's
op set), and small models built here use a GRU form (``linear_before_reset=0``) and a
tensor type (float64) the kernels do not implement. ``open_session`` pinned to opencl
must then give the CPU's result and say why.
"""

from __future__ import annotations

from pathlib import Path

import build_models as bm
import numpy as np
import pytest
from realbackends import MakeKernel, assert_scaler_runs_on_cpu, backend_of

from lmms_magenta.hardware import select_hardware
from lmms_magenta.hardware_sessions import open_session


def gru_model(path: Path, linear_before_reset: int) -> Path:
    """A one-step GRU (input 4, hidden 3) with the given ``linear_before_reset``."""
    from onnx import TensorProto, helper, numpy_helper, save

    rng = np.random.default_rng(1)
    inits = [
        numpy_helper.from_array(rng.standard_normal((1, 9, 4)).astype(np.float32), "W"),
        numpy_helper.from_array(rng.standard_normal((1, 9, 3)).astype(np.float32), "R"),
    ]
    node = helper.make_node(
        "GRU", ["x", "W", "R"], ["y", "h"], hidden_size=3, linear_before_reset=linear_before_reset
    )
    graph = helper.make_graph(
        [node],
        "gru",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 4])],
        [
            helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 1, 2, 3]),
            helper.make_tensor_value_info("h", TensorProto.FLOAT, [1, 2, 3]),
        ],
        inits,
    )
    save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))
    return path


def double_model(path: Path) -> Path:
    from onnx import TensorProto, helper, save

    node = helper.make_node("Relu", ["x"], ["y"])
    graph = helper.make_graph(
        [node],
        "double",
        [helper.make_tensor_value_info("x", TensorProto.DOUBLE, [2])],
        [helper.make_tensor_value_info("y", TensorProto.DOUBLE, [2])],
    )
    save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))
    return path


def test_unsupported_op_falls_back_to_cpu_with_the_reason(
    make_opencl: MakeKernel, models: dict[str, Path], caplog: pytest.LogCaptureFixture
) -> None:
    kernel = make_opencl("cpu", "opencl", backend="opencl")
    reason = assert_scaler_runs_on_cpu(kernel, models, caplog, "opencl:0")
    assert "UnsupportedModelError" in reason and "Scaler (ai.onnx.ml)" in reason


def test_precisions_are_empty_and_the_reason_is_available(
    make_opencl: MakeKernel, models: dict[str, Path], tmp_path: Path
) -> None:
    kernel = make_opencl("cpu", "opencl")
    backend = backend_of(kernel, "opencl")
    device = next(d for d in select_hardware(kernel).devices if d.backend == "opencl")
    assert backend.precisions(models["gru_step"], device) == ["fp32"]
    assert backend.unsupported(models["gru_step"]) is None
    assert backend.precisions({"path": str(models["mlp_decoder"])}, device) == ["fp32"]
    cases = {
        models["ml_scaler"]: "operator(s) Scaler (ai.onnx.ml) not implemented",
        gru_model(tmp_path / "tf_gru.onnx", 0): "linear_before_reset=0 is not supported",
        double_model(tmp_path / "double.onnx"): "tensor type double",
        tmp_path / "absent.onnx": "no fp32 file",
    }
    for path, words in cases.items():
        assert backend.precisions(path, device) == []
        reason = backend.unsupported(path)
        assert reason is not None and words in reason, reason


def test_every_refused_model_still_gives_the_cpu_result(
    make_opencl: MakeKernel, tmp_path: Path
) -> None:
    kernel = make_opencl("cpu", "opencl", backend="opencl")
    path = gru_model(tmp_path / "tf_gru.onnx", 0)
    x = np.random.default_rng(2).standard_normal((1, 2, 4)).astype(np.float32)
    with open_session(kernel, path) as session:
        assert session.device.key == "cpu:cpu"
        assert session.fallback_reason is not None
        assert "linear_before_reset=0" in session.fallback_reason
        assert session.run({"x": x})["h"].shape == (1, 2, 3)


def test_supported_form_of_the_same_model_stays_on_opencl(
    make_opencl: MakeKernel, tmp_path: Path
) -> None:
    kernel = make_opencl("cpu", "opencl", backend="opencl")
    path = gru_model(tmp_path / "torch_gru.onnx", 1)
    x = np.random.default_rng(2).standard_normal((1, 2, 4)).astype(np.float32)
    with open_session(kernel, path) as session:
        assert session.device.key == "opencl:0" and session.fallback_reason is None
        got = session.run({"x": x})
    with open_session(make_opencl("cpu", "opencl", backend="cpu"), path) as cpu:
        want = cpu.run({"x": x})
    for name in ("y", "h"):
        np.testing.assert_allclose(got[name], want[name], rtol=0, atol=1e-5)


def test_bad_feeds_are_reported(make_opencl: MakeKernel, models: dict[str, Path]) -> None:
    kernel = make_opencl("cpu", "opencl")
    backend = backend_of(kernel, "opencl")
    device = next(d for d in select_hardware(kernel).devices if d.backend == "opencl")
    session = backend.create_session(models["gru_step"], device)
    feeds = bm.sample_feeds("gru_step", batch=2)
    with pytest.raises(ValueError, match="missing input 'hidden'"):
        session.run({"token": feeds["token"]})
    with pytest.raises(ValueError, match=r"input 'token': index 512 is out of range \(0..511\)"):
        session.run({**feeds, "token": np.array([3, 512])})
    session.close()
    session.close()
    with pytest.raises(RuntimeError, match="closed"):
        session.run(feeds)
