"""Shared set-up of the vulkan backend tests (a plain module: conftest.py is not importable).

The vulkan distribution is installed for real next to the cpu and openvino folders of
conftest.py's ``installed`` fixture (realbackends.py: installs, kernel factory,
``backend_of``), so a test kernel sees exactly the backends it names. The tests run for
real on Mesa's lavapipe (CI installs ``mesa-vulkan-drivers libvulkan1``); without any
Vulkan device they skip and say so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from realbackends import ROOT, MakeKernel, kernel_factory, with_backend

GROOVE_MODEL = ROOT / "plugins_builtin/groove/lmms_magenta_groove/models/groove-vae-2bar/model.onnx"
#: settings for kernels that skip the probe's speed measurement (faster, same devices)
NO_MEASURE = {"cpu": {"measure": False}, "vulkan": {"measure": False}}

NO_DEVICE = (
    "no Vulkan device: install a Vulkan driver to run the vulkan backend tests "
    "(Debian: apt-get install mesa-vulkan-drivers libvulkan1; .ci/run does)"
)


def vulkan_dirs(request: pytest.FixtureRequest, installed: dict[str, Path]) -> dict[str, Path]:
    """Backend name -> folder, for cpu, openvino and vulkan."""
    return with_backend(request, installed, "vulkan", "ncnn")


def require_vulkan_device() -> None:
    """Skip the calling test when ncnn sees no Vulkan device."""
    import ncnn

    if ncnn.get_gpu_count() == 0:
        pytest.skip(NO_DEVICE)


def vulkan_kernels(
    request: pytest.FixtureRequest,
    installed: dict[str, Path],
    tmp_path: Path,
    data_dir: Path | None = None,
) -> MakeKernel:
    """``make("cpu", "vulkan", ...)`` (realbackends.kernel_factory) for a test that needs
    a Vulkan device: skips without one. ``data_dir`` (where converted models are kept)
    may be shared by a module, so each model is converted once."""
    dirs = vulkan_dirs(request, installed)
    require_vulkan_device()
    return kernel_factory(tmp_path, dirs, data_dir)


def save_model(
    path: Path,
    nodes: list[Any],
    inputs: list[Any],
    outputs: list[Any],
    initializers: dict[str, Any] | None = None,
) -> Path:
    """Write a small checked ONNX model (opset 17) built with ``onnx.helper``.

    ``inputs``/``outputs`` are ``(name, TensorProto type, shape)`` triples and
    ``initializers`` maps names to numpy arrays.
    """
    import onnx
    from onnx import helper, numpy_helper

    graph = helper.make_graph(
        nodes,
        path.stem,
        [helper.make_tensor_value_info(*spec) for spec in inputs],
        [helper.make_tensor_value_info(*spec) for spec in outputs],
        [numpy_helper.from_array(v, k) for k, v in (initializers or {}).items()],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(path))
    return path
