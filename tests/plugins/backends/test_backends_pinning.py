"""Hardware profile with the real backends: auto, pinning a backend or a device, bad pins."""

from __future__ import annotations

import logging

import pytest
from realbackends import MakeKernel

from lmms_magenta.hardware import select_hardware

OFF = {"cpu": {"measure": False}, "openvino": {"measure": False}}


def test_auto_takes_the_highest_preference(make_kernel: MakeKernel) -> None:
    choice = select_hardware(make_kernel("cpu", "openvino"))
    assert choice.device is not None
    assert choice.device.preference == max(d.preference for d in choice.devices)
    assert "auto: highest preference" in choice.reason


def test_auto_without_measurement_prefers_onnxruntime_on_a_cpu(make_kernel: MakeKernel) -> None:
    choice = select_hardware(make_kernel("cpu", "openvino", settings=OFF))
    assert choice.device is not None and choice.device.key == "cpu:cpu"
    assert [d.key for d in choice.devices] == ["cpu:cpu", "openvino:CPU"]


@pytest.mark.parametrize("given_as", ["argument", "configured profile"])
@pytest.mark.parametrize(
    ("requested", "key"),
    [("cpu", "cpu:cpu"), ("openvino", "openvino:CPU"), ("OpenVINO:cpu", "openvino:CPU")],
)
def test_pin(make_kernel: MakeKernel, requested: str, key: str, given_as: str) -> None:
    if given_as == "argument":
        choice = select_hardware(make_kernel("cpu", "openvino", settings=OFF), requested)
    else:
        choice = select_hardware(make_kernel("cpu", "openvino", settings=OFF, backend=requested))
    assert choice.requested == requested.lower()
    assert choice.device is not None and choice.device.key == key
    assert choice.fallback_reason is None and "pinned" in choice.reason


def test_pinning_a_missing_device_falls_back_to_cpu(
    make_kernel: MakeKernel, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="lmms_magenta.hardware"):
        choice = select_hardware(make_kernel("cpu", "openvino"), "openvino:GPU.3")
    assert choice.device is not None and choice.device.key == "cpu:cpu"
    assert choice.fallback_reason == "backend 'openvino' has no device 'GPU.3' (devices: CPU)"
    assert any("GPU.3" in r.getMessage() for r in caplog.records)


def test_pinning_an_uninstalled_backend_falls_back_to_cpu(make_kernel: MakeKernel) -> None:
    choice = select_hardware(make_kernel("cpu"), "openvino")
    assert choice.device is not None and choice.device.key == "cpu:cpu"
    assert choice.fallback_reason == "backend 'openvino' is not installed (installed: cpu)"


def test_openvino_alone_serves_when_cpu_is_absent(make_kernel: MakeKernel) -> None:
    choice = select_hardware(make_kernel("openvino"), "cpu")
    assert choice.device is not None and choice.device.key == "openvino:CPU"
    assert choice.fallback_reason is not None
