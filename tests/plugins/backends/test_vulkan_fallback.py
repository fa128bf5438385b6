"""A model pnnx cannot convert offers no precision on vulkan and runs on the CPU instead.

Two real refusals, no mocks: pnnx crashes on the ``ai.onnx.ml`` Scaler operator of
the ``ml_scaler`` fixture, and it leaves ``torch.gt``/``Tensor.to`` layers (the hit
sampling of the decoder) in the shipped groove model, which ncnn cannot create. The
kernel's ``open_session`` pinned to ``vulkan`` then runs the model on ``cpu:cpu`` and
says why; the results are those of the cpu backend.
"""

from __future__ import annotations

import logging
from pathlib import Path

import build_models as bm
import numpy as np
import pytest
from vulkan_env import (
    GROOVE_MODEL,
    MakeVulkanKernel,
    backend_of,
    kernel_factory,
    require_vulkan_device,
    vulkan_dirs,
)

from lmms_magenta.hardware import select_hardware
from lmms_magenta.hardware_sessions import open_session

NO_MEASURE = {"cpu": {"measure": False}, "vulkan": {"measure": False}}


@pytest.fixture(scope="module")
def shared_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data dir for the module: the failed conversions are recorded once."""
    return tmp_path_factory.mktemp("vulkan-fallback-data")


@pytest.fixture
def make(
    request: pytest.FixtureRequest, tmp_path: Path, installed: dict[str, Path], shared_data: Path
) -> MakeVulkanKernel:
    dirs = vulkan_dirs(request, installed)
    require_vulkan_device()
    return kernel_factory(tmp_path, dirs, shared_data)


def groove_feeds(batch: int = 1) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(5)
    return {
        "hits": (rng.random((batch, 32, 9)) > 0.8).astype(np.float32),
        "tap": np.zeros((batch, 32, 3), np.float32),
        "keep_hits": np.ones((batch, 1), np.float32),
        "style": np.zeros((batch,), np.int64),
        "z_noise": rng.standard_normal((batch, 32)).astype(np.float32),
        "hit_noise": rng.random((batch, 32, 9)).astype(np.float32),
    }


def test_unconvertible_model_runs_on_cpu_with_the_reason(
    make: MakeVulkanKernel, models: dict[str, Path], caplog: pytest.LogCaptureFixture
) -> None:
    kernel = make("cpu", "vulkan", backend="vulkan", settings=NO_MEASURE)
    choice = select_hardware(kernel)
    assert choice.device is not None and choice.device.key == "vulkan:0"
    feeds = bm.sample_feeds("ml_scaler", batch=2)
    with caplog.at_level(logging.WARNING, logger="lmms_magenta.hardware"):
        session = open_session(kernel, models["ml_scaler"], choice=choice)
    with session:
        result = session.run(feeds)
        assert session.device.key == "cpu:cpu"
        reason = session.fallback_reason or ""
    assert reason.startswith("could not open it on vulkan:0 (ConversionError: ")
    assert "cannot convert the model to ncnn (fp32): pnnx" in reason and "Scaler" in reason
    assert reason.endswith("using cpu:cpu")
    np.testing.assert_allclose(result["y"], (feeds["x"] - 1.0) * 2.0, rtol=1e-6)
    assert any("retrying on cpu:cpu" in r.getMessage() for r in caplog.records)


def test_fp16_asked_of_an_unconvertible_model_runs_fp32_on_cpu(
    make: MakeVulkanKernel, models: dict[str, Path]
) -> None:
    kernel = make("cpu", "vulkan", backend="vulkan", settings=NO_MEASURE)
    with open_session(kernel, models["ml_scaler"], precision="fp16") as session:
        assert (session.device.key, session.precision) == ("cpu:cpu", "fp32")
        assert (session.fallback_reason or "").endswith("in fp32 (fp16 is not offered there)")


def test_shipped_groove_model_gives_the_cpu_results_under_vulkan(make: MakeVulkanKernel) -> None:
    """Through the vulkan profile the groove model gives the cpu backend's results.

    Today pnnx leaves the decoder's hit sampling (``torch.gt``, ``Tensor.to``) to ncnn,
    which cannot run it: the model offers no precision on vulkan and runs on the CPU,
    bit for bit the cpu backend's result. Should a re-exported model convert, it runs
    on vulkan and must then match within the fp32 tolerance.
    """
    kernel = make("cpu", "vulkan", backend="vulkan", settings=NO_MEASURE)
    choice = select_hardware(kernel)
    assert choice.device is not None
    backend = backend_of(kernel, "vulkan")
    offered = backend.precisions(GROOVE_MODEL, choice.device)
    feeds = groove_feeds(batch=2)
    with open_session(kernel, GROOVE_MODEL, choice=choice) as session:
        via_vulkan_profile = session.run(feeds)
        where, reason = session.device.key, session.fallback_reason or ""
    cpu_kernel = make("cpu", "vulkan", backend="cpu", settings=NO_MEASURE)
    with open_session(cpu_kernel, GROOVE_MODEL) as session:
        assert session.device.key == "cpu:cpu" and session.fallback_reason is None
        on_cpu = session.run(feeds)
    assert set(via_vulkan_profile) == {"out_hits", "velocities", "offsets", "z"}
    if offered:
        assert where == "vulkan:0"
        for name, value in on_cpu.items():
            np.testing.assert_allclose(via_vulkan_profile[name], value, atol=1e-5, err_msg=name)
        return
    problem = backend.problem(GROOVE_MODEL) or ""
    assert problem.startswith(f"{GROOVE_MODEL}: cannot convert the model to ncnn (fp32): ")
    assert where == "cpu:cpu" and problem.split(": ", 1)[1] in reason
    for name, value in on_cpu.items():
        np.testing.assert_array_equal(via_vulkan_profile[name], value, err_msg=name)
