"""The OpenVINO session really uses the fast call path, checked structurally.

Timing lives in benchmarks/backends.py (a shared 2-core machine makes timing tests
flaky); here we check the mechanism: one infer request, input tensors that share
memory with buffers the session owns and reuses across calls, and outputs handed out
as copies that the next call does not overwrite.
"""

from __future__ import annotations

from pathlib import Path

import build_models as bm
import numpy as np
from realbackends import MakeKernel

from lmms_magenta.hardware import select_hardware


def openvino_session(make_kernel: MakeKernel, model: Path) -> object:
    kernel = make_kernel("cpu", "openvino", settings={"openvino": {"measure": False}})
    choice = select_hardware(kernel, "openvino")
    assert choice.device is not None
    backend = next(
        b for _, b in kernel.contributions("lmms_magenta_backends") if b.name == "openvino"
    )
    return backend.create_session(model, choice.device)


def test_inputs_are_shared_buffers_reused_across_calls(
    make_kernel: MakeKernel, models: dict[str, Path]
) -> None:
    session = openvino_session(make_kernel, models["gru_step"])
    request = session._request  # type: ignore[attr-defined]
    slots = session._slots  # type: ignore[attr-defined]
    session.run(bm.sample_feeds("gru_step", seed=1))  # type: ignore[attr-defined]
    buffers = [slot.buffer for slot in slots]
    tensors = [request.get_input_tensor(slot.index).data for slot in slots]
    for buffer, tensor in zip(buffers, tensors, strict=True):
        assert np.shares_memory(buffer, tensor)  # the request reads our buffer, no copy
    feeds = bm.sample_feeds("gru_step", seed=2)
    session.run(feeds)  # type: ignore[attr-defined]
    assert all(slot.buffer is buffer for slot, buffer in zip(slots, buffers, strict=True))
    np.testing.assert_array_equal(request.get_input_tensor(1).data, feeds["hidden"])
    assert request is session._request  # type: ignore[attr-defined]


def test_outputs_are_copies(make_kernel: MakeKernel, models: dict[str, Path]) -> None:
    session = openvino_session(make_kernel, models["mlp_decoder"])
    first = session.run(bm.sample_feeds("mlp_decoder", seed=1))["out"]  # type: ignore[attr-defined]
    kept = first.copy()
    second = session.run(bm.sample_feeds("mlp_decoder", seed=2))["out"]  # type: ignore[attr-defined]
    np.testing.assert_array_equal(first, kept)  # not overwritten by the second call
    assert not np.array_equal(first, second)


def test_caller_arrays_are_not_captured(make_kernel: MakeKernel, models: dict[str, Path]) -> None:
    """Changing an array after the call must not change what the next call sees."""
    session = openvino_session(make_kernel, models["mlp_decoder"])
    feeds = bm.sample_feeds("mlp_decoder", seed=3)
    before = session.run(feeds)["out"]  # type: ignore[attr-defined]
    feeds["z"][:] = 0.0
    zero = session.run(feeds)["out"]  # type: ignore[attr-defined]
    again = session.run(bm.sample_feeds("mlp_decoder", seed=3))["out"]  # type: ignore[attr-defined]
    np.testing.assert_array_equal(before, again)
    assert not np.array_equal(before, zero)


def test_calls_from_several_threads_do_not_mix(
    make_kernel: MakeKernel, models: dict[str, Path]
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    session = openvino_session(make_kernel, models["mlp_decoder"])
    inputs = [bm.sample_feeds("mlp_decoder", batch=1 + seed % 2, seed=seed) for seed in range(8)]
    expected = [session.run(f)["out"] for f in inputs]  # type: ignore[attr-defined]
    with ThreadPoolExecutor(4) as pool:
        for _ in range(5):
            got = list(pool.map(lambda f: session.run(f)["out"], inputs))  # type: ignore[attr-defined]
            for a, b in zip(got, expected, strict=True):
                np.testing.assert_array_equal(a, b)
