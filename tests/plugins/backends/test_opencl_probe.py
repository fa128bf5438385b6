"""Probing the opencl backend: real device names and types, PoCL's CPU device is CPU-class.

Runs on whatever OpenCL devices the machine has; here and in CI that is PoCL's CPU
device (from the pocl-binary-distribution wheel), which must be listed as kind ``cpu``,
ranked below the ``cpu`` backend (``auto`` never picks it) and still be usable when
pinned. "No device" and "no pyopencl" are produced for real: PoCL is told to load no
device driver (``POCL_DEVICES=none``), and a folder whose ``pyopencl`` fails to import
is put first on the path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from opencl_env import opencl_dirs, require_opencl_device
from realbackends import MakeKernel, broken_package, hardware_json

from lmms_magenta.hardware import Device, select_hardware

#: the backends the CLI tests see
OPENCL = ("cpu", "opencl")
OFF = {"cpu": {"measure": False}, "opencl": {"measure": False}}


@pytest.fixture
def dirs(request: pytest.FixtureRequest, installed: dict[str, Path]) -> dict[str, Path]:
    return opencl_dirs(request, installed)


def opencl_devices(make_opencl: MakeKernel, **kw: Any) -> list[Device]:
    choice = select_hardware(make_opencl("cpu", "opencl", **kw), refresh=True)
    return [d for d in choice.devices if d.backend == "opencl"]


def test_devices_have_real_names_and_kinds(make_opencl: MakeKernel) -> None:
    import pyopencl as cl

    real = [d for p in cl.get_platforms() for d in p.get_devices()]
    devices = opencl_devices(make_opencl)
    assert [d.id for d in devices] == [str(i) for i in range(len(real))]
    assert [d.name for d in devices] == [d.name.strip() for d in real]
    for device, cl_device in zip(devices, real, strict=True):
        details = device.details
        assert details["platform"] == cl_device.platform.name.strip()
        assert details["runtime"].startswith("pyopencl ")
        assert details["precisions"] == ["fp32"]
        assert details["probe_us"] > 0
        if cl_device.type & cl.device_type.CPU:
            assert device.kind == "cpu" and details["emulated"] is True
            assert "cpu" in details["device_type"]


def test_cpu_class_device_ranks_below_the_cpu_backend(make_opencl: MakeKernel) -> None:
    """Even a fast emulated device gets no speed bonus: auto keeps ONNX Runtime."""
    emulated = [d for d in opencl_devices(make_opencl) if d.details["emulated"]]
    if not emulated:
        pytest.skip("this machine's OpenCL devices are all real GPUs")
    for device in emulated:
        assert device.kind == "cpu"
        assert device.preference == device.details["declared_preference"] == 1
        assert "speed_bonus" not in device.details
    for settings in (None, OFF):
        choice = select_hardware(make_opencl("cpu", "opencl", settings=settings), refresh=True)
        assert choice.device is not None and choice.device.key == "cpu:cpu"
        assert choice.fallback_reason is None


@pytest.mark.parametrize("requested", ["opencl", "opencl:0", "OpenCL:0"])
def test_pinning_opencl(make_opencl: MakeKernel, requested: str) -> None:
    choice = select_hardware(make_opencl("cpu", "opencl", settings=OFF), requested)
    assert choice.device is not None and choice.device.key == "opencl:0"
    assert choice.fallback_reason is None and "pinned" in choice.reason


def test_pinning_a_missing_device_falls_back_to_cpu(make_opencl: MakeKernel) -> None:
    choice = select_hardware(make_opencl("cpu", "opencl", settings=OFF), "opencl:9")
    assert choice.device is not None and choice.device.key == "cpu:cpu"
    assert choice.fallback_reason is not None
    assert choice.fallback_reason.startswith("backend 'opencl' has no device '9'")


def test_measure_off_gives_the_declared_preference(make_opencl: MakeKernel) -> None:
    for device in opencl_devices(make_opencl, settings=OFF):
        assert "probe_us" not in device.details
        assert device.preference == device.details["declared_preference"]


# --- the command line, with and without a usable OpenCL ---------------------------------


def test_hardware_json_lists_opencl_devices(dirs: dict[str, Path], tmp_path: Path) -> None:
    require_opencl_device()
    doc = hardware_json(dirs, tmp_path, names=OPENCL)
    report = {b["name"]: b for b in doc["backends"]}["opencl"]
    assert report["devices"] >= 1 and report["problem"] is None
    opencl = [d for d in doc["devices"] if d["backend"] == "opencl"]
    assert len(opencl) == report["devices"]
    assert all(d["kind"] in ("cpu", "gpu", "accelerator") and d["name"] for d in opencl)
    assert doc["chosen"]["backend"] == "cpu" or doc["chosen"]["kind"] != "cpu"


def test_platform_without_devices_is_reported(dirs: dict[str, Path], tmp_path: Path) -> None:
    no_driver = {"POCL_DEVICES": "none", "OCL_ICD_VENDORS": str(tmp_path)}
    doc = hardware_json(dirs, tmp_path, names=OPENCL, env=no_driver)
    report = {b["name"]: b for b in doc["backends"]}["opencl"]
    if report["devices"]:
        pytest.skip("an OpenCL driver other than PoCL is installed")
    assert "no device" in report["problem"] or "no OpenCL platform" in report["problem"]
    assert "pocl-binary-distribution" in report["problem"]
    assert doc["chosen"]["backend"] == "cpu"


def test_missing_pyopencl_is_a_reason_not_a_crash(dirs: dict[str, Path], tmp_path: Path) -> None:
    shadow = broken_package(tmp_path, "pyopencl", "libOpenCL.so.1: cannot open")
    doc = hardware_json(dirs, tmp_path, names=OPENCL, first=[shadow])
    report = {b["name"]: b for b in doc["backends"]}["opencl"]
    assert report["devices"] == 0
    assert report["problem"].startswith("pyopencl cannot be imported (libOpenCL.so.1")
    assert doc["chosen"]["backend"] == "cpu"
