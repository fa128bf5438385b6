"""The same kernel call gives the same outputs on the vulkan backend as on the cpu backend.

Each model is opened with ``open_session(kernel, model, choice=select_hardware(kernel,
<backend>))`` - the path a feature takes - pinned once to ``cpu`` (ONNX Runtime) and
once to ``vulkan`` (ncnn on the Vulkan device; lavapipe in CI), and both are checked
against the numpy implementation of the network.

Stated tolerances (max absolute difference), from measurements on lavapipe:

- ``fp32`` (the default; ncnn's fp16 options off): vs ONNX Runtime <= 1e-5
  (measured ~1.3e-6 for the GRU step, ~8e-7 for the MLP decoder);
- ``fp16`` (explicit; fp16 weights, storage and arithmetic): <= 2e-2 (measured ~5e-3).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import build_models as bm
import numpy as np
import pytest
from realbackends import MakeKernel, backend_of
from test_backends_equivalence import assert_close, reference_gru_step, reference_mlp
from vulkan_env import NO_MEASURE

from lmms_magenta.hardware import select_hardware
from lmms_magenta.hardware_sessions import ManagedSession, open_session

FP32_TOLERANCE = 1e-5
FP16_TOLERANCE = 2e-2


def session_on(
    make_vulkan: MakeKernel, backend: str, model: Path, precision: str | None = None
) -> ManagedSession:
    """The kernel call under test: select the pinned profile, open the model there."""
    kernel = make_vulkan("cpu", "vulkan", settings=NO_MEASURE)
    choice = select_hardware(kernel, backend)
    assert choice.device is not None and choice.device.backend == backend
    session = open_session(kernel, model, choice=choice, precision=precision)
    assert session.device.backend == backend, session.fallback_reason
    assert session.fallback_reason is None
    assert session.precision == (precision or "fp32")
    return session


def reference(name: str, feeds: dict[str, Any]) -> dict[str, Any]:
    return reference_gru_step(**feeds) if name == "gru_step" else reference_mlp(**feeds)


@pytest.mark.parametrize("batch", [1, 3])
@pytest.mark.parametrize("name", ["gru_step", "mlp_decoder"])
def test_vulkan_equals_cpu_in_fp32(
    make_vulkan: MakeKernel, models: dict[str, Path], name: str, batch: int
) -> None:
    feeds = bm.sample_feeds(name, batch=batch, seed=batch)
    results = {}
    for backend in ("cpu", "vulkan"):
        with session_on(make_vulkan, backend, models[name]) as session:
            results[backend] = session.run(feeds)
        assert_close(results[backend], reference(name, feeds), 1e-4)  # float32 vs float64
    assert_close(results["vulkan"], results["cpu"], FP32_TOLERANCE)


@pytest.mark.parametrize("name", ["gru_step", "mlp_decoder"])
def test_fp16_is_an_explicit_variant_within_its_tolerance(
    make_vulkan: MakeKernel, models: dict[str, Path], name: str
) -> None:
    feeds = bm.sample_feeds(name, batch=2, seed=11)
    with session_on(make_vulkan, "vulkan", models[name], precision="fp16") as session:
        half = session.run(feeds)
    with session_on(make_vulkan, "vulkan", models[name]) as session:
        exact = session.run(feeds)
    expected = reference(name, feeds)
    assert_close(half, expected, FP16_TOLERANCE)
    assert_close(exact, expected, 1e-4)
    worst = max(float(np.abs(half[k] - expected[k]).max()) for k in expected)
    assert worst > 1e-5  # fp16 really ran: it is not the fp32 conversion again


def test_recurrent_loop_stays_equal(make_vulkan: MakeKernel, models: dict[str, Path]) -> None:
    """24 decoder steps, each feeding back its hidden state and the argmax token."""
    sessions = {b: session_on(make_vulkan, b, models["gru_step"]) for b in ("cpu", "vulkan")}
    start = bm.sample_feeds("gru_step", batch=1, seed=7)
    state = {b: dict(start) for b in sessions}
    try:
        for _step in range(24):
            out = {b: sessions[b].run(state[b]) for b in sessions}
            assert_close(out["vulkan"], out["cpu"], FP32_TOLERANCE)
            token = np.argmax(out["cpu"]["logits"], axis=-1).astype(np.int64)
            for b in sessions:
                state[b] = {"token": token, "hidden": out[b]["hidden_out"]}
    finally:
        for session in sessions.values():
            session.close()


def test_session_describes_its_tensors(make_vulkan: MakeKernel, models: dict[str, Path]) -> None:
    with session_on(make_vulkan, "vulkan", models["gru_step"]) as session:
        inputs = {t.name: t for t in session.inputs}
        outputs = {t.name: t for t in session.outputs}
        assert (inputs["token"].dtype, inputs["token"].shape) == ("int64", ("batch",))
        assert inputs["hidden"].shape == (2, "batch", 256)
        assert outputs["logits"].shape == ("batch", 512)
        assert set(outputs) == {"logits", "hidden_out"}


def test_bad_feeds_are_reported(make_vulkan: MakeKernel, models: dict[str, Path]) -> None:
    kernel = make_vulkan("cpu", "vulkan", settings=NO_MEASURE)
    choice = select_hardware(kernel, "vulkan")
    assert choice.device is not None
    session = backend_of(kernel, "vulkan").create_session(models["gru_step"], choice.device)
    feeds = bm.sample_feeds("gru_step", batch=2)
    with pytest.raises(ValueError, match="missing input 'hidden'"):
        session.run({"token": feeds["token"]})
    with pytest.raises(ValueError, match="input 'hidden' has shape"):
        session.run({"token": feeds["token"], "hidden": np.zeros((2, 2, 128), np.float32)})
    with pytest.raises(ValueError, match="disagree on the batch size"):
        session.run({"token": feeds["token"][:1], "hidden": feeds["hidden"]})
    session.close()
    with pytest.raises(RuntimeError, match="closed"):
        session.run(feeds)


def test_threads_option_gives_the_same_results(
    make_vulkan: MakeKernel, models: dict[str, Path]
) -> None:
    feeds = bm.sample_feeds("mlp_decoder", batch=1, seed=4)
    kernel = make_vulkan("cpu", "vulkan", settings=NO_MEASURE)
    choice = select_hardware(kernel, "vulkan")
    with open_session(kernel, models["mlp_decoder"], choice=choice, threads=2) as session:
        assert session.device.backend == "vulkan"
        assert_close(session.run(feeds), reference_mlp(**feeds), 1e-4)
