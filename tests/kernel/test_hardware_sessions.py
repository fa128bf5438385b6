"""Sessions with fallback: a model that fails to open or run on a device moves to the CPU.

The fixture backends (tests/fixtures/backends) run a JSON "model" computing x * factor;
the model file says which backends refuse it or crash while running it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from backend_dists import (
    PROBE_LOG_ENV,
    MakeKernel,
    forget_fixture_modules,
    installed_backends,
    kernel_factory,
)

from lmms_magenta.errors import BackendError
from lmms_magenta.hardware import select_hardware
from lmms_magenta.hardware_sessions import open_session


@pytest.fixture(scope="session")
def installed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    return installed_backends(request, tmp_path_factory)


@pytest.fixture
def make_kernel(fx_env: Any, installed: dict[str, Path]) -> Iterator[MakeKernel]:
    """Kernels seeing only the named fixture backends (fx_env: tests/kernel/conftest.py)."""
    yield kernel_factory(fx_env, installed)
    forget_fixture_modules()


@pytest.fixture
def probe_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """File the fixture backends append their name to on every probe."""
    log = tmp_path / "probes.log"
    monkeypatch.setenv(PROBE_LOG_ENV, str(log))
    return log


# --- sessions with fallback ------------------------------------------------------------------


def model(tmp_path: Path, **fields: object) -> Path:
    path = tmp_path / "scale.model.json"
    path.write_text(json.dumps({"factor": 2.0, **fields}))
    return path


X = np.array([1.0, 2.5, -3.0], dtype=np.float32)


def test_session_runs_on_the_chosen_device(make_kernel: MakeKernel, tmp_path: Path) -> None:
    kernel = make_kernel("cpu", "fastgpu")
    with open_session(kernel, model(tmp_path)) as session:
        assert session.device.key == "fastgpu:0"
        assert session.precision == "fp16"  # the backend's best for this model
        assert [t.name for t in session.inputs] == ["x"]
        np.testing.assert_array_equal(session.run({"x": X})["y"], X * 2)
        assert session.fallback_reason is None


def test_session_precision_can_be_chosen(make_kernel: MakeKernel, tmp_path: Path) -> None:
    session = open_session(make_kernel("cpu", "fastgpu"), model(tmp_path), precision="fp32")
    assert (session.device.key, session.precision) == ("fastgpu:0", "fp32")
    assert session.outputs[0].dtype == "float32"
    session.close()
    session.close()  # twice is fine
    with pytest.raises(BackendError, match="closed"):
        session.run({"x": X})


def test_session_create_failure_falls_back_to_cpu(
    make_kernel: MakeKernel, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="lmms_magenta.hardware"):
        session = open_session(make_kernel("cpu", "fastgpu"), model(tmp_path, refuse=["fastgpu"]))
    assert session.device.key == "cpu:cpu"
    assert session.fallback_reason is not None
    assert "could not open it on fastgpu:0" in session.fallback_reason
    assert "operator Scale is not supported" in session.fallback_reason
    assert session.fallback_reason.endswith("using cpu:cpu")
    np.testing.assert_array_equal(session.run({"x": X})["y"], X * 2)
    assert any("retrying on cpu:cpu" in r.getMessage() for r in caplog.records)


def test_session_run_failure_falls_back_to_cpu(make_kernel: MakeKernel, tmp_path: Path) -> None:
    session = open_session(make_kernel("cpu", "fastgpu"), model(tmp_path, crash=["fastgpu"]))
    assert session.device.key == "fastgpu:0" and session.fallback_reason is None
    np.testing.assert_array_equal(session.run({"x": X})["y"], X * 2)
    assert session.device.key == "cpu:cpu"
    assert session.fallback_reason is not None
    assert "failed to run on fastgpu:0 (RuntimeError: fastgpu: device lost)" in (
        session.fallback_reason
    )


def test_session_fails_everywhere(make_kernel: MakeKernel, tmp_path: Path) -> None:
    path = model(tmp_path, refuse=["fastgpu", "cpu"])
    with pytest.raises(BackendError) as info:
        open_session(make_kernel("cpu", "fastgpu"), path)
    message = str(info.value)
    assert message.startswith(f"{path}: cannot run the model")
    assert "fastgpu 0: operator" in message and "on cpu:cpu too" in message


def test_session_crash_on_cpu_after_fallback(make_kernel: MakeKernel, tmp_path: Path) -> None:
    path = model(tmp_path, crash=["fastgpu", "cpu"])
    session = open_session(make_kernel("cpu", "fastgpu"), path)
    with pytest.raises(BackendError, match="cpu: device lost"):
        session.run({"x": X})
    with pytest.raises(BackendError, match="failed on cpu:cpu"):
        session.run({"x": X})


def test_unsupported_precision_falls_back(make_kernel: MakeKernel, tmp_path: Path) -> None:
    session = open_session(make_kernel("cpu", "fastgpu"), model(tmp_path), precision="int8")
    assert (session.device.key, session.precision) == ("cpu:cpu", "fp32")
    assert session.fallback_reason == (
        "could not open it on fastgpu:0 (ValueError: precision int8 not supported "
        "(offers fp16, fp32)); using cpu:cpu in fp32 (int8 is not offered there)"
    )
    np.testing.assert_array_equal(session.run({"x": X})["y"], X * 2)
    session = open_session(make_kernel("cpu", "npu"), model(tmp_path), precision="fp32")
    assert session.device.key == "npu:0"


@pytest.mark.parametrize(
    ("precision", "note"), [("fp32", ""), ("fp16", " in fp32 (fp16 is not offered there)")]
)
def test_refusing_gpu_falls_back_in_a_precision_the_cpu_offers(
    make_kernel: MakeKernel,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    precision: str,
    note: str,
) -> None:
    """The GPU offers fp16 but refuses the model; the CPU runs fp32 instead of failing."""
    path = model(tmp_path, refuse=["fastgpu"])
    with caplog.at_level(logging.WARNING, logger="lmms_magenta.hardware"):
        session = open_session(make_kernel("cpu", "fastgpu"), path, precision=precision)
    assert (session.device.key, session.precision) == ("cpu:cpu", "fp32")
    assert session.outputs[0].dtype == "float32"
    assert session.fallback_reason is not None
    assert session.fallback_reason.startswith("could not open it on fastgpu:0 (RuntimeError")
    assert session.fallback_reason.endswith(f"using cpu:cpu{note}")
    assert any(f"retrying on cpu:cpu{note}" in r.getMessage() for r in caplog.records)
    np.testing.assert_array_equal(session.run({"x": X})["y"], X * 2)


def test_fp16_crash_while_running_moves_to_fp32_on_the_cpu(
    make_kernel: MakeKernel, tmp_path: Path
) -> None:
    path = model(tmp_path, crash=["fastgpu"])
    session = open_session(make_kernel("cpu", "fastgpu"), path, precision="fp16")
    assert (session.device.key, session.precision) == ("fastgpu:0", "fp16")
    np.testing.assert_array_equal(session.run({"x": X})["y"], X * 2)
    assert (session.device.key, session.precision) == ("cpu:cpu", "fp32")
    assert session.fallback_reason is not None
    assert session.fallback_reason.endswith("(fp16 is not offered there)")


def test_session_without_any_device(make_kernel: MakeKernel, tmp_path: Path) -> None:
    with pytest.raises(BackendError, match="no backend found any device"):
        open_session(make_kernel("brokenprobe"), model(tmp_path))


def test_session_uses_a_cached_choice(
    make_kernel: MakeKernel, tmp_path: Path, probe_log: Path
) -> None:
    select_hardware(make_kernel("cpu", "fastgpu"))
    kernel = make_kernel("cpu", "fastgpu")
    choice = select_hardware(kernel)
    assert choice.from_cache
    session = open_session(kernel, model(tmp_path), choice=choice)
    np.testing.assert_array_equal(session.run({"x": X})["y"], X * 2)
    assert session.device.key == "fastgpu:0"
