"""The same kernel call gives ONNX Runtime's outputs (within 1e-4) on the opencl backend.

Each model is opened with ``open_session(kernel, model, choice=select_hardware(kernel,
<backend>))`` - the path a feature takes - once pinned to ``cpu`` (ONNX Runtime) and
once to ``opencl`` (this package's ONNX executor on PoCL's CPU device here), with the
same feeds. Covered: the test fixtures' GRU decoder step and MLP decoder, a 32-step
recurrent loop fed back through the session, and every model a feature ships (found
on disk, so a newly shipped model is tested without editing this file). Integer
outputs (sampled tokens, drum classes) must be identical.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import build_models as bm
import numpy as np
import pytest
from opencl_env import SHIPPED_MODELS
from realbackends import ROOT, MakeKernel

from lmms_magenta.hardware import select_hardware
from lmms_magenta.hardware_sessions import ManagedSession, open_session

TOLERANCE = 1e-4
BACKENDS = ("cpu", "opencl")


def session_on(make_opencl: MakeKernel, backend: str, model: Path) -> ManagedSession:
    """The kernel call under test: select the pinned profile, open the model there."""
    kernel = make_opencl("cpu", "opencl", settings={"cpu": {"measure": False}})
    choice = select_hardware(kernel, backend)
    assert choice.device is not None and choice.device.backend == backend
    session = open_session(kernel, model, choice=choice, precision="fp32")
    assert session.device.backend == backend, session.fallback_reason
    assert session.fallback_reason is None
    return session


def assert_same(actual: dict[str, Any], expected: dict[str, Any], tol: float = TOLERANCE) -> None:
    assert set(actual) == set(expected)
    for name, want in expected.items():
        got = actual[name]
        assert got.shape == want.shape and got.dtype == want.dtype, name
        if want.dtype.kind == "f":
            np.testing.assert_allclose(got, want, rtol=0, atol=tol, err_msg=name)
        else:
            np.testing.assert_array_equal(got, want, err_msg=name)


def run_both(make_opencl: MakeKernel, model: Path, feeds: dict[str, Any]) -> dict[str, Any]:
    results = {}
    for backend in BACKENDS:
        with session_on(make_opencl, backend, model) as session:
            results[backend] = session.run(feeds)
    assert_same(results["opencl"], results["cpu"])
    return results


@pytest.mark.parametrize("batch", [1, 3])
@pytest.mark.parametrize("name", ["gru_step", "mlp_decoder"])
def test_fixture_models(
    make_opencl: MakeKernel, models: dict[str, Path], name: str, batch: int
) -> None:
    run_both(make_opencl, models[name], bm.sample_feeds(name, batch=batch, seed=batch))


def test_recurrent_loop_stays_equal(make_opencl: MakeKernel, models: dict[str, Path]) -> None:
    """32 decoder steps, each feeding back its hidden state and its argmax token."""
    sessions = {b: session_on(make_opencl, b, models["gru_step"]) for b in BACKENDS}
    state = {b: bm.sample_feeds("gru_step", batch=2, seed=7) for b in BACKENDS}
    try:
        for _step in range(32):
            out = {b: sessions[b].run(state[b]) for b in BACKENDS}
            assert_same(out["opencl"], out["cpu"])
            token = np.argmax(out["cpu"]["logits"], axis=-1).astype(np.int64)
            state = {b: {"token": token, "hidden": out[b]["hidden_out"]} for b in BACKENDS}
        assert np.abs(out["cpu"]["hidden_out"]).max() > 0.01
    finally:
        for session in sessions.values():
            session.close()


def shipped_feeds(session: ManagedSession, batch: int, seed: int) -> dict[str, Any]:
    """Deterministic feeds for any shipped model, from its declared inputs.

    Dynamic sizes become ``batch``; floats are drawn from [0.25, 1.25) (positive, so a
    ``temperature`` input is sane), integers from 0..3 (valid style ids and tokens).
    """
    rng = np.random.default_rng(seed)
    feeds = {}
    for info in session.inputs:
        shape = [d if isinstance(d, int) else batch for d in info.shape]
        if np.dtype(info.dtype).kind == "f":
            feeds[info.name] = rng.uniform(0.25, 1.25, shape).astype(info.dtype)
        else:
            feeds[info.name] = rng.integers(0, 4, shape).astype(info.dtype)
    return feeds


@pytest.mark.skipif(not SHIPPED_MODELS, reason="no feature ships a model yet")
@pytest.mark.parametrize(
    "model",
    SHIPPED_MODELS,
    ids=[str(p.relative_to(ROOT / "plugins_builtin")) for p in SHIPPED_MODELS],
)
def test_every_shipped_model(make_opencl: MakeKernel, model: Path) -> None:
    with session_on(make_opencl, "cpu", model) as cpu:
        feeds = [shipped_feeds(cpu, batch, seed=batch) for batch in (1, 2)]
        expected = [cpu.run(f) for f in feeds]
    with session_on(make_opencl, "opencl", model) as opencl:
        for feed, want in zip(feeds, expected, strict=True):
            assert_same(opencl.run(feed), want)


def test_session_describes_its_tensors(make_opencl: MakeKernel, models: dict[str, Path]) -> None:
    with session_on(make_opencl, "opencl", models["gru_step"]) as session:
        inputs = {t.name: t for t in session.inputs}
        assert inputs["token"].dtype == "int64" and inputs["hidden"].dtype == "float32"
        assert inputs["hidden"].shape == (2, "batch", 256)
        assert {t.name for t in session.outputs} == {"logits", "hidden_out"}


def test_feeds_of_another_dtype_are_cast(make_opencl: MakeKernel, models: dict[str, Path]) -> None:
    feeds = bm.sample_feeds("gru_step", batch=2, seed=3)
    loose = {"token": feeds["token"].astype(np.int32), "hidden": feeds["hidden"].astype(float)}
    with session_on(make_opencl, "opencl", models["gru_step"]) as session:
        assert_same(session.run(loose), session.run(feeds), 0.0)
