"""Which precisions each backend offers for a model, and which file it then loads.

The cpu backend offers int8 first when the model has an ``NAME.int8.onnx`` variant;
OpenVINO never picks the onnxruntime-int8 file while an fp32 file exists (it runs
those slower), and compiles the fp32 file even when handed the int8 one.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import build_models as bm
import numpy as np
import pytest
from realbackends import MakeKernel

from lmms_magenta.hardware import Backend, Device, select_hardware
from lmms_magenta.hardware_sessions import open_session


def backend_and_device(make_kernel: MakeKernel, name: str) -> tuple[Backend, Device]:
    kernel = make_kernel("cpu", "openvino", settings={name: {"measure": False}})
    choice = select_hardware(kernel, name)
    assert choice.device is not None and choice.device.backend == name
    backend = next(b for _, b in kernel.contributions("lmms_magenta_backends") if b.name == name)
    return backend, choice.device


def run_file(path: Path, feeds: dict[str, Any]) -> dict[str, np.ndarray]:
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    return dict(zip(names, session.run(names, feeds), strict=True))


def test_cpu_offers_int8_first_when_a_variant_exists(
    make_kernel: MakeKernel, mlp_with_int8: Path, models: dict[str, Path]
) -> None:
    backend, device = backend_and_device(make_kernel, "cpu")
    assert backend.precisions(mlp_with_int8, device) == ["int8", "fp32"]
    assert backend.precisions(models["mlp_decoder"], device) == ["fp32"]
    int8 = mlp_with_int8.with_name("mlp_decoder.int8.onnx")
    assert backend.precisions(int8, device) == ["int8", "fp32"]
    manifest = {"path": str(models["mlp_decoder"]), "variants": {"int8": {"file": str(int8)}}}
    assert backend.precisions(manifest, device) == ["int8", "fp32"]


def test_cpu_loads_the_file_of_each_precision(make_kernel: MakeKernel, mlp_with_int8: Path) -> None:
    backend, device = backend_and_device(make_kernel, "cpu")
    feeds = bm.sample_feeds("mlp_decoder", batch=2)
    int8_file = mlp_with_int8.with_name("mlp_decoder.int8.onnx")
    with backend.create_session(mlp_with_int8, device, "int8") as session:  # type: ignore[attr-defined]
        int8 = session.run(feeds)["out"]
    with backend.create_session(int8_file, device, "fp32") as session:  # type: ignore[attr-defined]
        fp32 = session.run(feeds)["out"]
    np.testing.assert_array_equal(int8, run_file(int8_file, feeds)["out"])
    np.testing.assert_allclose(fp32, run_file(mlp_with_int8, feeds)["out"], atol=1e-6)
    assert 0 < np.abs(int8 - fp32).max() < 0.1  # quantized: close, not equal


def test_openvino_does_not_prefer_int8_files(make_kernel: MakeKernel, mlp_with_int8: Path) -> None:
    backend, device = backend_and_device(make_kernel, "openvino")
    int8_file = mlp_with_int8.with_name("mlp_decoder.int8.onnx")
    for handed in (mlp_with_int8, int8_file):
        offered = backend.precisions(handed, device)
        assert offered[0] == "fp32" and "int8" not in offered
    feeds = bm.sample_feeds("mlp_decoder", batch=2)
    with backend.create_session(int8_file, device, "fp32") as session:  # type: ignore[attr-defined]
        out = session.run(feeds)["out"]
    np.testing.assert_allclose(out, run_file(mlp_with_int8, feeds)["out"], atol=1e-5)


def test_openvino_runs_an_int8_only_model(
    make_kernel: MakeKernel, mlp_with_int8: Path, tmp_path: Path
) -> None:
    only = tmp_path / "solo.int8.onnx"
    shutil.copy(mlp_with_int8.with_name("mlp_decoder.int8.onnx"), only)
    backend, device = backend_and_device(make_kernel, "openvino")
    assert backend.precisions(only, device) == ["int8"]
    feeds = bm.sample_feeds("mlp_decoder")
    with backend.create_session(only, device, "int8") as session:  # type: ignore[attr-defined]
        out = session.run(feeds)["out"]
    np.testing.assert_allclose(out, run_file(only, feeds)["out"], atol=0.05)


def test_model_repository_flow_keeps_the_chosen_variant(
    make_kernel: MakeKernel, mlp_with_int8: Path
) -> None:
    """The model repository opens the variant file it picked: that file is what runs."""
    kernel = make_kernel("cpu", "openvino", backend="cpu")
    int8_file = mlp_with_int8.with_name("mlp_decoder.int8.onnx")
    feeds = bm.sample_feeds("mlp_decoder")
    with open_session(kernel, int8_file) as session:
        assert session.precision == "int8"
        np.testing.assert_array_equal(session.run(feeds)["out"], run_file(int8_file, feeds)["out"])
    with open_session(kernel, mlp_with_int8, precision="fp32") as session:
        np.testing.assert_allclose(
            session.run(feeds)["out"], run_file(mlp_with_int8, feeds)["out"], atol=1e-6
        )


def test_openvino_bf16_is_offered_after_fp32_and_is_not_fp32_accurate(
    make_kernel: MakeKernel, models: dict[str, Path]
) -> None:
    backend, device = backend_and_device(make_kernel, "openvino")
    offered = backend.precisions(models["mlp_decoder"], device)
    if "bf16" not in offered:
        pytest.skip("this CPU has no bf16 support in OpenVINO")
    assert offered[0] == "fp32"
    feeds = bm.sample_feeds("mlp_decoder", batch=2)
    reference = run_file(models["mlp_decoder"], feeds)["out"]
    with backend.create_session(models["mlp_decoder"], device, "bf16") as session:  # type: ignore[attr-defined]
        error = np.abs(session.run(feeds)["out"] - reference).max()
    assert 1e-5 < error < 0.1  # why fp32 must be asked for explicitly on such CPUs


def test_unsupported_precision_is_refused(make_kernel: MakeKernel, models: dict[str, Path]) -> None:
    for name in ("cpu", "openvino"):
        backend, device = backend_and_device(make_kernel, name)
        with pytest.raises(ValueError, match=r"int8|precision"):
            backend.create_session(models["gru_step"], device, "int8")
        with pytest.raises(ValueError, match="precision"):
            backend.create_session(models["gru_step"], device, "fp64")
