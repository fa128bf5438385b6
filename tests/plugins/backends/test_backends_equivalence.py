"""The same kernel call gives the same outputs (within 1e-5) on the cpu and openvino backends.

Each model is opened with ``open_session(kernel, model, choice=select_hardware(kernel,
<backend>))`` - the path a feature takes - once with the backend pinned to ``cpu``
(ONNX Runtime) and once to ``openvino``, and both are checked against a numpy
implementation of the same network, so "equal" also means "right".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import build_models as bm
import numpy as np
import pytest
from realbackends import MakeKernel

from lmms_magenta.hardware import select_hardware
from lmms_magenta.hardware_sessions import ManagedSession, open_session

TOLERANCE = 1e-5
BACKENDS = ("cpu", "openvino")


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def reference_gru_step(token: np.ndarray, hidden: np.ndarray) -> dict[str, np.ndarray]:
    """The GRU decoder step in float64 numpy (ONNX GRU, linear_before_reset=1)."""
    w = {k: v.astype(np.float64) for k, v in bm.weights().items()}
    x = w["embedding"][token]
    size = bm.HIDDEN
    new_hidden = []
    for layer in range(bm.LAYERS):
        h = hidden[layer].astype(np.float64)
        weight, recur, bias = w[f"W{layer}"][0], w[f"R{layer}"][0], w[f"B{layer}"][0]
        gx = x @ weight.T + bias[: 3 * size]
        gh = h @ recur.T + bias[3 * size :]
        z = _sigmoid(gx[:, :size] + gh[:, :size])
        r = _sigmoid(gx[:, size : 2 * size] + gh[:, size : 2 * size])
        candidate = np.tanh(gx[:, 2 * size :] + r * gh[:, 2 * size :])
        h = (1 - z) * candidate + z * h
        new_hidden.append(h)
        x = h
    logits = x @ w["out_w"] + w["out_b"]
    return {"logits": logits, "hidden_out": np.stack(new_hidden)}


def reference_mlp(z: np.ndarray) -> dict[str, np.ndarray]:
    w = bm.weights()
    x = z.astype(np.float64)
    layers = len(bm.MLP_SIZES) - 1
    for i in range(layers):
        x = x @ w[f"mlp_w{i}"].astype(np.float64) + w[f"mlp_b{i}"]
        if i < layers - 1:
            x = np.maximum(x, 0.0)
    return {"out": x}


def session_on(make_kernel: MakeKernel, backend: str, model: Path) -> ManagedSession:
    """The kernel call under test: select the pinned profile, open the model there."""
    kernel = make_kernel("cpu", "openvino")
    choice = select_hardware(kernel, backend)
    assert choice.device is not None and choice.device.backend == backend
    assert choice.fallback_reason is None
    session = open_session(kernel, model, choice=choice)
    assert session.device.backend == backend and session.fallback_reason is None
    assert session.precision == "fp32"
    return session


def assert_close(actual: dict[str, Any], expected: dict[str, Any], tol: float) -> None:
    assert set(actual) == set(expected)
    for name in expected:
        assert actual[name].shape == expected[name].shape, name
        assert actual[name].dtype == np.float32, name
        np.testing.assert_allclose(actual[name], expected[name], rtol=0, atol=tol, err_msg=name)


@pytest.mark.parametrize("batch", [1, 3])
@pytest.mark.parametrize("name", ["gru_step", "mlp_decoder"])
def test_backends_agree_and_match_numpy(
    make_kernel: MakeKernel, models: dict[str, Path], name: str, batch: int
) -> None:
    feeds = bm.sample_feeds(name, batch=batch, seed=batch)
    reference = reference_gru_step(**feeds) if name == "gru_step" else reference_mlp(**feeds)
    results = {}
    for backend in BACKENDS:
        with session_on(make_kernel, backend, models[name]) as session:
            results[backend] = session.run(feeds)
        assert_close(results[backend], reference, 1e-4)  # float32 vs float64 math
    assert_close(results["openvino"], results["cpu"], TOLERANCE)


def test_recurrent_loop_stays_equal(make_kernel: MakeKernel, models: dict[str, Path]) -> None:
    """32 decoder steps, each feeding back its hidden state and its argmax token."""
    sessions = {b: session_on(make_kernel, b, models["gru_step"]) for b in BACKENDS}
    start = bm.sample_feeds("gru_step", batch=2, seed=7)
    state = {b: dict(start) for b in BACKENDS}
    try:
        for step in range(32):
            out = {b: sessions[b].run(state[b]) for b in BACKENDS}
            assert_close(out["openvino"], out["cpu"], TOLERANCE)
            for b in BACKENDS:
                token = np.argmax(out["cpu"]["logits"], axis=-1).astype(np.int64)
                state[b] = {"token": token, "hidden": out[b]["hidden_out"]}
            assert step < 31 or np.abs(out["cpu"]["hidden_out"]).max() > 0.01
    finally:
        for session in sessions.values():
            session.close()


def test_batch_size_can_change_between_calls(
    make_kernel: MakeKernel, models: dict[str, Path]
) -> None:
    """The OpenVINO session re-allocates its shared input buffers when a shape changes."""
    with session_on(make_kernel, "openvino", models["mlp_decoder"]) as session:
        for batch in (1, 4, 1, 2):
            feeds = bm.sample_feeds("mlp_decoder", batch=batch, seed=batch)
            assert_close(session.run(feeds), reference_mlp(**feeds), 1e-4)


def test_feeds_of_another_dtype_are_cast_the_same_way(
    make_kernel: MakeKernel, models: dict[str, Path]
) -> None:
    feeds = bm.sample_feeds("gru_step", batch=2, seed=3)
    loose = {"token": feeds["token"].astype(np.int32), "hidden": feeds["hidden"].astype(float)}
    for backend in BACKENDS:
        with session_on(make_kernel, backend, models["gru_step"]) as session:
            assert_close(session.run(loose), session.run(feeds), 0.0)


def test_session_describes_its_tensors(make_kernel: MakeKernel, models: dict[str, Path]) -> None:
    for backend in BACKENDS:
        with session_on(make_kernel, backend, models["gru_step"]) as session:
            inputs = {t.name: t for t in session.inputs}
            outputs = {t.name: t for t in session.outputs}
            assert inputs["token"].dtype == "int64"
            assert inputs["hidden"].dtype == "float32"
            assert inputs["hidden"].shape[0] == 2 and inputs["hidden"].shape[2] == 256
            assert set(outputs) == {"logits", "hidden_out"}


def test_missing_input_is_reported(make_kernel: MakeKernel, models: dict[str, Path]) -> None:
    for backend in BACKENDS:
        kernel = make_kernel("cpu", "openvino")
        choice = select_hardware(kernel, backend)
        device = choice.device
        assert device is not None
        backend_obj = next(
            b for _, b in kernel.contributions("lmms_magenta_backends") if b.name == backend
        )
        session = backend_obj.create_session(models["gru_step"], device)
        with pytest.raises(ValueError, match="missing input 'hidden'"):
            session.run({"token": np.zeros(1, dtype=np.int64)})
        session.close()
        with pytest.raises(RuntimeError, match="closed"):
            session.run(bm.sample_feeds("gru_step"))


def test_static_shapes_option(make_kernel: MakeKernel, models: dict[str, Path]) -> None:
    """``shapes=`` compiles OpenVINO for a fixed batch; ONNX Runtime ignores the option."""
    feeds = bm.sample_feeds("gru_step", batch=1, seed=5)
    shapes = {"token": [1], "hidden": [2, 1, 256]}
    kernel = make_kernel("cpu", "openvino")
    results = {}
    for backend in BACKENDS:
        choice = select_hardware(kernel, backend)
        with open_session(kernel, models["gru_step"], choice=choice, shapes=shapes) as session:
            assert session.device.backend == backend
            results[backend] = session.run(feeds)
            if backend == "openvino":
                assert {t.name: t.shape for t in session.inputs}["hidden"] == (2, 1, 256)
    assert_close(results["openvino"], results["cpu"], TOLERANCE)
    assert_close(results["cpu"], reference_gru_step(**feeds), 1e-4)
