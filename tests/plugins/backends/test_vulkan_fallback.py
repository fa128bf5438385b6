"""A model pnnx cannot convert offers no precision on vulkan and runs on the CPU instead.

Real refusals, no mocks: pnnx crashes on the ``ai.onnx.ml`` Scaler operator of the
``ml_scaler`` fixture. The kernel's ``open_session`` pinned to ``vulkan`` then runs the
model on ``cpu:cpu`` and says why; the results are those of the cpu backend. The
shipped groove model gives the cpu backend's results through the vulkan profile,
whether it converts or is refused (other refusals: test_vulkan_refusals.py).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from realbackends import MakeKernel, assert_scaler_runs_on_cpu, backend_of
from vulkan_env import GROOVE_MODEL, NO_MEASURE

from lmms_magenta.hardware import select_hardware
from lmms_magenta.hardware_sessions import open_session


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
    make_vulkan: MakeKernel, models: dict[str, Path], caplog: pytest.LogCaptureFixture
) -> None:
    kernel = make_vulkan("cpu", "vulkan", backend="vulkan", settings=NO_MEASURE)
    reason = assert_scaler_runs_on_cpu(kernel, models, caplog, "vulkan:0")
    assert reason.startswith("could not open it on vulkan:0 (ConversionError: ")
    assert "cannot convert the model to ncnn (fp32): pnnx" in reason and "Scaler" in reason


def test_fp16_asked_of_an_unconvertible_model_runs_fp32_on_cpu(
    make_vulkan: MakeKernel, models: dict[str, Path]
) -> None:
    kernel = make_vulkan("cpu", "vulkan", backend="vulkan", settings=NO_MEASURE)
    with open_session(kernel, models["ml_scaler"], precision="fp16") as session:
        assert (session.device.key, session.precision) == ("cpu:cpu", "fp32")
        assert (session.fallback_reason or "").endswith("in fp32 (fp16 is not offered there)")


def test_shipped_groove_model_gives_the_cpu_results_under_vulkan(make_vulkan: MakeKernel) -> None:
    """Through the vulkan profile the groove model gives the cpu backend's results.

    When the conversion is refused (today: on vulkan:0 its outputs differ, the style
    embedding's ``Concat`` of a 1-D and a 2-D blob - see test_vulkan_refusals.py), the
    model offers no precision on vulkan and runs on the CPU, bit for bit the cpu
    backend's result. When it converts, it runs on vulkan and must then match within
    the fp32 tolerance.
    """
    kernel = make_vulkan("cpu", "vulkan", backend="vulkan", settings=NO_MEASURE)
    choice = select_hardware(kernel)
    assert choice.device is not None
    backend = backend_of(kernel, "vulkan")
    offered = backend.precisions(GROOVE_MODEL, choice.device)
    feeds = groove_feeds(batch=2)
    with open_session(kernel, GROOVE_MODEL, choice=choice) as session:
        via_vulkan_profile = session.run(feeds)
        where, reason = session.device.key, session.fallback_reason or ""
    cpu_kernel = make_vulkan("cpu", "vulkan", backend="cpu", settings=NO_MEASURE)
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
