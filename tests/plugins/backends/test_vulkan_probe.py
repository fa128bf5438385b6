"""Probing the vulkan backend: real device names and types, lavapipe is CPU-class.

Runs on whatever Vulkan devices the machine has; CI has Mesa's lavapipe (a CPU
pretending to be a GPU), which must be listed as kind ``cpu``, ranked below the
``cpu`` backend (``auto`` never picks it) and still be usable when pinned. A machine
without any Vulkan driver is simulated for real: the Vulkan loader is pointed at a
driver manifest that does not exist.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from realbackends import MakeKernel, run_cli
from vulkan_env import require_vulkan_device, vulkan_dirs

from lmms_magenta.hardware import Device, select_hardware


@pytest.fixture
def dirs(request: pytest.FixtureRequest, installed: dict[str, Path]) -> dict[str, Path]:
    return vulkan_dirs(request, installed)


@pytest.fixture
def vulkan_data(tmp_path: Path) -> Path:
    """A fresh data folder per test: measuring converts the probe model into it."""
    return tmp_path / "data"


def vulkan_devices(make_vulkan: MakeKernel, **kw: object) -> list[Device]:
    choice = select_hardware(make_vulkan("cpu", "vulkan", **kw), refresh=True)
    return [d for d in choice.devices if d.backend == "vulkan"]


def test_devices_have_real_names_and_types(make_vulkan: MakeKernel) -> None:
    import ncnn

    devices = vulkan_devices(make_vulkan, settings={"vulkan": {"measure": False}})
    assert [d.id for d in devices] == [str(i) for i in range(ncnn.get_gpu_count())]
    for device in devices:
        info = ncnn.get_gpu_info(int(device.id))
        assert device.name == info.device_name() and device.name
        assert device.details["device_type"] in ("discrete", "integrated", "virtual", "cpu")
        assert device.details["runtime"].startswith("ncnn ")
        assert device.details["precisions"] == ["fp32", "fp16"]
        assert device.details["vulkan_api"].count(".") == 2
        assert device.kind == ("cpu" if device.details["emulated"] else "gpu")


def test_lavapipe_is_cpu_class_and_auto_does_not_pick_it(make_vulkan: MakeKernel) -> None:
    devices = vulkan_devices(make_vulkan)
    emulated = [d for d in devices if d.details["emulated"]]
    if not emulated:
        pytest.skip("no CPU-emulated Vulkan device (lavapipe) on this machine")
    for device in emulated:
        assert device.kind == "cpu"
        assert device.preference == device.details["declared_preference"] == 1
        assert device.details["speed_bonus"] == 0 and device.details["probe_us"] > 0
    if "llvmpipe" in " ".join(d.name for d in emulated):
        assert any(d.details["device_type"] == "cpu" for d in emulated)
    choice = select_hardware(make_vulkan("cpu", "vulkan"))
    assert choice.device is not None and choice.device.key == "cpu:cpu"
    assert choice.device.preference > max(d.preference for d in emulated)


def test_pinning_picks_the_vulkan_device(make_vulkan: MakeKernel) -> None:
    off = {"vulkan": {"measure": False}, "cpu": {"measure": False}}
    for profile in ("vulkan", "vulkan:0"):
        choice = select_hardware(make_vulkan("cpu", "vulkan", backend=profile, settings=off))
        assert choice.device is not None and choice.device.key == "vulkan:0"
        assert choice.fallback_reason is None and choice.reason.startswith("pinned")


def test_bad_setting_breaks_only_the_vulkan_plugin(make_vulkan: MakeKernel) -> None:
    kernel = make_vulkan("cpu", "vulkan", settings={"vulkan": {"convert_timeout_s": -1}})
    choice = select_hardware(kernel)
    assert choice.device is not None and choice.device.key == "cpu:cpu"
    assert kernel.plugins["vulkan"].state == "broken"
    assert "convert_timeout_s must be a number > 0" in (kernel.plugins["vulkan"].reason or "")


def test_no_vulkan_driver_means_no_device_and_a_reason(
    dirs: dict[str, Path], tmp_path: Path
) -> None:
    """The loader finds no driver manifest: ncnn sees no device; the probe says why."""
    code = (
        "import json, sys; from pathlib import Path;"
        "from lmms_magenta_backend_vulkan.backend import VulkanBackend;"
        "b = VulkanBackend({}, Path(sys.argv[1])); found = b.probe();"
        "print(json.dumps([len(found), b.unavailable]))"
    )
    env = dict(os.environ, PYTHONPATH=str(dirs["vulkan"]))
    missing = str(tmp_path / "no-such-driver.json")
    env.update(VK_ICD_FILENAMES=missing, VK_DRIVER_FILES=missing)
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "data")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    count, why = json.loads(result.stdout)
    assert count == 0
    assert why.startswith("no Vulkan device found")
    assert "apt-get install libvulkan1 mesa-vulkan-drivers" in why
    assert result.stderr.strip() == ""  # ncnn's own complaint went to the debug log


def test_hardware_json_lists_vulkan(dirs: dict[str, Path], tmp_path: Path) -> None:
    """The CLI lists the vulkan device with its type; ncnn's chatter stays off stderr."""
    require_vulkan_device()
    names = ("cpu", "openvino", "vulkan")
    result = run_cli(dirs, tmp_path, "hardware", "--json", names=names)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == ""
    doc = json.loads(result.stdout)
    assert {b["name"] for b in doc["backends"]} == {"cpu", "openvino", "vulkan"}
    vulkan = [d for d in doc["devices"] if d["backend"] == "vulkan"]
    assert vulkan and all(d["details"]["device_type"] and d["kind"] for d in vulkan)
    assert doc["chosen"]["backend"] != "vulkan" or vulkan[0]["kind"] == "gpu"
