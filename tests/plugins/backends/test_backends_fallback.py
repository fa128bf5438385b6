"""A backend that cannot load or run a model falls back to the CPU; the result still comes.

``ml_scaler`` uses the ``ai.onnx.ml`` Scaler operator: ONNX Runtime runs it, OpenVINO
refuses it at compile time - a real refusal, no mock.
"""

from __future__ import annotations

from pathlib import Path

import build_models as bm
import numpy as np
import pytest
from realbackends import MakeKernel, assert_scaler_runs_on_cpu

from lmms_magenta.errors import BackendError
from lmms_magenta.hardware_sessions import open_session


def test_model_openvino_refuses_runs_on_cpu(
    make_kernel: MakeKernel, models: dict[str, Path], caplog: pytest.LogCaptureFixture
) -> None:
    kernel = make_kernel("cpu", "openvino", backend="openvino")
    assert_scaler_runs_on_cpu(kernel, models, caplog, "openvino:CPU")


def test_a_file_no_backend_can_read(make_kernel: MakeKernel, tmp_path: Path) -> None:
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"\x08\x07this is not a protobuf model")
    kernel = make_kernel("cpu", "openvino", backend="openvino")
    with pytest.raises(BackendError) as info:
        open_session(kernel, broken)
    message = str(info.value)
    assert message.startswith(f"{broken}: cannot run the model")
    assert "openvino:CPU" in message and "on cpu:cpu too" in message


def test_cpu_pinned_needs_no_fallback(make_kernel: MakeKernel, models: dict[str, Path]) -> None:
    kernel = make_kernel("cpu", "openvino", backend="cpu")
    with open_session(kernel, models["ml_scaler"]) as session:
        assert session.device.key == "cpu:cpu" and session.fallback_reason is None


def test_fp16_asked_of_openvino_runs_fp32_on_cpu(
    make_kernel: MakeKernel, models: dict[str, Path]
) -> None:
    """OpenVINO refuses the model; the CPU backend has no fp16 file: it runs fp32."""
    kernel = make_kernel("cpu", "openvino", backend="openvino")
    feeds = bm.sample_feeds("ml_scaler", batch=2)
    with open_session(kernel, models["ml_scaler"], precision="fp16") as session:
        assert (session.device.key, session.precision) == ("cpu:cpu", "fp32")
        reason = session.fallback_reason
        assert reason is not None and reason.startswith("could not open it on openvino:CPU")
        assert reason.endswith("using cpu:cpu in fp32 (fp16 is not offered there)")
        result = session.run(feeds)
    np.testing.assert_allclose(result["y"], (feeds["x"] - 1.0) * 2.0, rtol=1e-6)
