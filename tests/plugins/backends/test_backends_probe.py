"""Probing the real backends: devices, details, the measured speed bonus, the probe model."""

from __future__ import annotations

import filecmp
import time
from pathlib import Path

import build_models as bm
import pytest
from realbackends import MakeKernel

from lmms_magenta.backend_support import PROBE_MODEL
from lmms_magenta.hardware import Device, select_hardware


def devices_by_key(make_kernel: MakeKernel, **kw: object) -> dict[str, Device]:
    choice = select_hardware(make_kernel("cpu", "openvino", **kw), refresh=True)
    return {d.key: d for d in choice.devices}


def test_both_backends_report_their_cpu(make_kernel: MakeKernel) -> None:
    devices = devices_by_key(make_kernel)
    cpu, ov = devices["cpu:cpu"], devices["openvino:CPU"]
    assert (cpu.kind, ov.kind) == ("cpu", "cpu")
    assert cpu.details["runtime"].startswith("onnxruntime ")
    assert ov.details["runtime"].startswith("openvino ")
    assert cpu.details["threads"] == 1 and ov.details["threads"] == 1
    assert "fp32" in ov.details["precisions"] and "int8" not in ov.details["precisions"]
    for device in (cpu, ov):
        assert device.details["probe_us"] > 0
        assert 0 <= device.details["speed_bonus"] <= 9
        assert (
            device.preference
            == device.details["declared_preference"] + (device.details["speed_bonus"])
        )
    assert cpu.details["declared_preference"] == 10
    assert ov.details["declared_preference"] == 9


def test_measure_off_gives_declared_preferences(make_kernel: MakeKernel) -> None:
    off = {"measure": False}
    devices = devices_by_key(make_kernel, settings={"cpu": off, "openvino": off})
    assert devices["cpu:cpu"].preference == 10
    assert devices["openvino:CPU"].preference == 9
    assert "probe_us" not in devices["cpu:cpu"].details


def test_threads_setting_reaches_the_devices(make_kernel: MakeKernel) -> None:
    two = {"threads": 2, "measure": False}
    devices = devices_by_key(make_kernel, settings={"cpu": two, "openvino": two})
    assert devices["cpu:cpu"].details["threads"] == 2
    assert devices["openvino:CPU"].details["threads"] == 2


def test_bad_threads_setting_breaks_only_that_plugin(make_kernel: MakeKernel) -> None:
    kernel = make_kernel("cpu", "openvino", settings={"openvino": {"threads": 0}})
    choice = select_hardware(kernel)
    assert choice.device is not None and choice.device.key == "cpu:cpu"
    assert kernel.plugins["openvino"].state == "broken"
    assert "threads must be a whole number >= 1" in kernel.plugins["openvino"].reason


def test_probe_is_cached_and_fast_enough(make_kernel: MakeKernel) -> None:
    start = time.perf_counter()
    first = select_hardware(make_kernel("cpu", "openvino"))
    probe_s = time.perf_counter() - start
    start = time.perf_counter()
    second = select_hardware(make_kernel("cpu", "openvino"))
    cached_s = time.perf_counter() - start
    assert not first.from_cache and second.from_cache
    assert second.devices == first.devices
    assert probe_s < 10.0  # both runtimes imported + one tiny model each (~1 s here)
    assert cached_s < probe_s


def test_shipped_probe_model_matches_the_builder(tmp_path: Path) -> None:
    """Both backends time the kernel's one probe model; it is what the builder makes."""
    pytest.importorskip("onnx")
    built = bm.build(tmp_path, ("probe_mlp",))["probe_mlp"]
    assert filecmp.cmp(built, PROBE_MODEL, shallow=False)


def test_backends_carry_no_copies_of_the_kernel_helpers(installed: dict[str, Path]) -> None:
    """The shared conventions live once, in lmms_magenta.backend_support."""
    for name, folder in installed.items():
        package = folder / f"lmms_magenta_backend_{name}"
        leftovers = {p.name for p in package.iterdir()} & {"speed.py", "variants.py"}
        assert not leftovers and not list(package.glob("*.onnx")), package
