"""``lmms-magenta hardware --json`` with the real backends, and a runtime that is missing.

The CLI runs in a subprocess that sees the two installed backend distributions first
on its path, with every other plugin disabled and its own config/cache folders.
A missing runtime is a real failed import: a folder holding an ``openvino`` package
that raises ImportError is put first on the path.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from realbackends import broken_package, hardware_json, run_cli


def test_hardware_json_lists_both_backends_and_the_choice(
    installed: dict[str, Path], tmp_path: Path
) -> None:
    doc = hardware_json(installed, tmp_path)
    assert {b["name"]: b["devices"] for b in doc["backends"]} == {"cpu": 1, "openvino": 1}
    assert all(b["problem"] is None for b in doc["backends"])
    keys = [f"{d['backend']}:{d['id']}" for d in doc["devices"]]
    assert sorted(keys) == ["cpu:cpu", "openvino:CPU"]
    chosen = doc["chosen"]
    assert f"{chosen['backend']}:{chosen['id']}" == keys[0]  # the best ranked
    assert doc["requested"] == "auto" and doc["fallback_reason"] is None
    assert all("probe_us" in d["details"] for d in doc["devices"])
    again = hardware_json(installed, tmp_path)
    assert again["from_cache"] and again["chosen"] == chosen


def test_pinned_backend_on_the_command_line(installed: dict[str, Path], tmp_path: Path) -> None:
    doc = hardware_json(installed, tmp_path, "--backend", "openvino")
    assert doc["requested"] == "openvino"
    assert (doc["chosen"]["backend"], doc["chosen"]["id"]) == ("openvino", "CPU")


@pytest.fixture
def no_openvino(tmp_path: Path) -> Path:
    """A folder whose ``openvino`` package fails to import, like a broken install."""
    return broken_package(
        tmp_path, "openvino", "libopenvino.so.2026: cannot open shared object file"
    )


def test_missing_runtime_gives_no_devices_not_a_crash(
    installed: dict[str, Path], tmp_path: Path, no_openvino: Path
) -> None:
    doc = hardware_json(installed, tmp_path, first=[no_openvino])
    reports = {b["name"]: b for b in doc["backends"]}
    assert reports["openvino"]["devices"] == 0
    assert reports["cpu"]["devices"] == 1
    assert [f"{d['backend']}:{d['id']}" for d in doc["devices"]] == ["cpu:cpu"]
    assert doc["chosen"]["backend"] == "cpu"
    # not broken: just nothing to run on (other installed backends are disabled by the test)
    assert [p for p in doc["inactive_plugins"] if p["state"] != "disabled"] == []


def test_missing_runtime_reason_when_pinned(
    installed: dict[str, Path], tmp_path: Path, no_openvino: Path
) -> None:
    doc = hardware_json(installed, tmp_path, "--backend", "openvino", first=[no_openvino])
    assert doc["chosen"]["backend"] == "cpu"
    assert doc["fallback_reason"].startswith("backend 'openvino'")


def test_missing_runtime_reason_is_recorded_by_the_backend(
    installed: dict[str, Path], tmp_path: Path, no_openvino: Path
) -> None:
    code = (
        "from lmms_magenta_backend_openvino import OpenVinoBackend\n"
        "b = OpenVinoBackend()\n"
        "print(b.probe(), b.unavailable)\n"
    )
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(no_openvino), str(installed["openvino"])])
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("[] OpenVINO cannot be used (ImportError: libopenvino")


def test_missing_runtime_reason_is_visible_in_hardware(
    installed: dict[str, Path], tmp_path: Path, no_openvino: Path
) -> None:
    doc = hardware_json(installed, tmp_path, first=[no_openvino])
    problem = {b["name"]: b["problem"] for b in doc["backends"]}["openvino"]
    assert problem.startswith("OpenVINO cannot be used (ImportError: libopenvino.so.2026")
    assert problem.endswith("pip install openvino")
    assert [p for p in doc["inactive_plugins"] if p["state"] != "disabled"] == []
    text = run_cli(installed, tmp_path, "hardware", first=[no_openvino])
    assert text.returncode == 0, text.stderr
    assert "openvino (plugin openvino): OpenVINO cannot be used (ImportError: " in text.stdout
    pinned = hardware_json(installed, tmp_path, "--backend", "openvino", first=[no_openvino])
    assert pinned["fallback_reason"].startswith(
        "backend 'openvino' is not usable: OpenVINO cannot be used (ImportError: libopenvino"
    )
    # not cached: once the runtime is back, the next run finds its device by itself
    healed = hardware_json(installed, tmp_path)
    assert not healed["from_cache"]
    assert {b["name"]: b["devices"] for b in healed["backends"]}["openvino"] == 1
