"""The ``lmms-magenta hardware`` command, run in-process like a user runs it.

The fixture backends go on ``sys.path`` (where the CLI's kernel searches), and only
they are enabled through ``LMMS_MAGENTA_ENABLE`` / ``LMMS_MAGENTA_DISABLE=*``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from backend_dists import forget_fixture_modules, installed_backends


@pytest.fixture(scope="session")
def installed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    return installed_backends(request, tmp_path_factory)


@pytest.fixture
def on_sys_path(
    installed: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., None]]:
    """Put fixture backends on sys.path, where the CLI's kernel looks for plugins."""

    def add(*names: str) -> None:
        for name in names:
            monkeypatch.syspath_prepend(str(installed[name]))

    yield add
    forget_fixture_modules()


def test_cli_hardware_json_honours_global_backend(lmms_cli: Any, on_sys_path: Any) -> None:
    on_sys_path("cpu", "fastgpu")
    result = lmms_cli("--backend", "fastgpu:1", "hardware", "--json", enable=["cpu", "fastgpu"])
    assert result.exit_code == 0, str(result)
    doc = result.json()
    assert doc["requested"] == "fastgpu:1"
    assert doc["chosen"]["backend"] == "fastgpu" and doc["chosen"]["id"] == "1"
    assert [d["id"] for d in doc["devices"]] == ["0", "1", "cpu"]
    assert doc["from_cache"] is False and doc["fallback_reason"] is None
    again = lmms_cli("--backend", "fastgpu:1", "hardware", "--json", enable=["cpu", "fastgpu"])
    assert again.json()["from_cache"] is True
    fresh = lmms_cli(
        "--backend", "fastgpu:1", "hardware", "--json", "--refresh", enable=["cpu", "fastgpu"]
    )
    assert fresh.json()["from_cache"] is False


def test_cli_hardware_text_explains_fallback(lmms_cli: Any, on_sys_path: Any) -> None:
    on_sys_path("cpu", "fastgpu", "brokenprobe")
    result = lmms_cli(
        "hardware",
        enable=["cpu", "fastgpu", "brokenprobe"],
        strict=False,
        env={"LMMS_MAGENTA_BACKEND": "opencl"},
    )
    assert result.exit_code == 0, str(result)
    out = result.stdout
    assert "profile: opencl" in out
    assert "chosen:  cpu:cpu (Test CPU, cpu)" in out
    assert "backend 'opencl' is not installed (installed: brokenprobe, cpu, fastgpu)" in out
    assert "brokenprobe (plugin brokenprobe): probe failed: RuntimeError: driver exploded" in out
    assert "fastgpu (plugin fastgpu): 2 device(s)" in out
    lines = out.splitlines()
    table = lines[lines.index("") + 1 :]
    assert table[0].split() == ["CHOSEN", "DEVICE", "NAME", "KIND", "PREFERENCE"]
    assert table[1].split()[:2] == ["fastgpu:0", "FastGPU"]
    assert any(line.split()[:2] == ["*", "cpu:cpu"] for line in table)


def test_cli_hardware_lists_disabled_backend_plugins(lmms_cli: Any, on_sys_path: Any) -> None:
    on_sys_path("cpu", "npu")
    result = lmms_cli("hardware", "--json", enable=["cpu"])
    doc = result.json()
    assert doc["chosen"]["backend"] == "cpu"
    inactive = {p["plugin"]: p for p in doc["inactive_plugins"]}
    assert inactive["npu"]["state"] == "disabled"


def test_cli_hardware_rejects_malformed_profile(lmms_cli: Any, on_sys_path: Any) -> None:
    on_sys_path("cpu")
    result = lmms_cli("--backend", "fast gpu", "hardware", enable=["cpu"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "fast gpu" in result.stderr
