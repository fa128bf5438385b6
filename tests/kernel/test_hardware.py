"""Hardware profile: ranking, pinning, CPU fallback, probe isolation and the probe cache.

The backends are the real fixture distributions in tests/fixtures/backends, installed
with pip into one directory each (tests/kernel/backend_dists.py), so a test picks the
installed set through the kernel's search path.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from backend_dists import (
    FIXTURES,
    PROBE_LOG_ENV,
    MakeKernel,
    forget_fixture_modules,
    installed_backends,
    kernel_factory,
    pip_install,
    probes,
)

from lmms_magenta import hardware_probe
from lmms_magenta.errors import ParameterError, PluginError
from lmms_magenta.hardware import (
    Device,
    HardwareChoice,
    Profile,
    choose_device,
    fallback_device,
    rank_devices,
    select_hardware,
)


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


def keys(choice: HardwareChoice) -> list[str]:
    return [d.key for d in choice.devices]


# --- pure ranking and parsing -------------------------------------------------------------


def dev(backend: str, id: str, kind: str = "cpu", preference: int = 10) -> Device:
    return Device(backend, id, f"{backend} {id}", kind, preference)  # type: ignore[arg-type]


def test_rank_prefers_preference_then_gpu_then_names() -> None:
    devices = [
        dev("cpu", "cpu"),
        dev("b", "0", "gpu"),
        dev("a", "0", "accelerator"),
        dev("z", "0", "cpu", 11),
    ]
    assert [d.key for d in rank_devices(devices)] == ["z:0", "a:0", "b:0", "cpu:cpu"]


def test_fallback_device_order() -> None:
    devices = [dev("gpu", "0", "gpu", 90), dev("ov", "CPU", "cpu", 20), dev("cpu", "cpu")]
    assert fallback_device(devices).key == "cpu:cpu"  # type: ignore[union-attr]
    assert fallback_device(devices, avoid_backend="cpu").key == "ov:CPU"  # type: ignore[union-attr]
    assert fallback_device(devices[:1]).key == "gpu:0"  # type: ignore[union-attr]
    assert fallback_device([]) is None


@pytest.mark.parametrize(
    ("text", "backend", "device", "shown"),
    [
        (None, None, None, "auto"),
        ("AUTO", None, None, "auto"),
        ("OpenVINO", "openvino", None, "openvino"),
        ("openvino:GPU.0", "openvino", "GPU.0", "openvino:GPU.0"),
    ],
)
def test_profile_parse(
    text: str | None, backend: str | None, device: str | None, shown: str
) -> None:
    profile = Profile.parse(text)
    assert (profile.backend, profile.device, str(profile)) == (backend, device, shown)


@pytest.mark.parametrize("bad", ["fast gpu", "gpu:", ":0", "Ö"])
def test_profile_parse_rejects(bad: str) -> None:
    with pytest.raises(ParameterError, match=r"parameter 'backend'.*NAME:DEVICE"):
        Profile.parse(bad)


def test_device_validation_and_json() -> None:
    with pytest.raises(ValueError, match="kind"):
        dev("cpu", "0", "tpu")
    with pytest.raises(ValueError, match="empty id"):
        dev("cpu", "")
    d = Device("gpu", "0", "G", "gpu", 5, {"memory_mb": 512})
    assert Device.from_json(json.loads(json.dumps(d.to_json()))) == d
    assert hash(d) == hash(Device("gpu", "0", "G", "gpu", 5, {}))  # hashable: details not hashed


def test_choose_device_without_devices() -> None:
    device, reason, fallback = choose_device([], Profile())
    assert device is None and "install lmms-magenta-backend-cpu" in reason and fallback is None


# --- selection through the kernel -----------------------------------------------------------


def test_auto_picks_highest_preference(make_kernel: MakeKernel) -> None:
    choice = select_hardware(make_kernel("cpu", "fastgpu", "npu"))
    assert choice.device is not None and choice.device.key == "fastgpu:0"
    assert keys(choice) == ["fastgpu:0", "fastgpu:1", "npu:0", "cpu:cpu"]
    assert choice.fallback_reason is None and "highest preference (50)" in choice.reason
    assert [b.name for b in choice.backends] == ["cpu", "fastgpu", "npu"]


def test_auto_tie_goes_to_the_accelerator(make_kernel: MakeKernel) -> None:
    choice = select_hardware(make_kernel("cpu", "npu"))
    assert choice.device is not None and choice.device.key == "npu:0"


@pytest.mark.parametrize(
    ("requested", "key"),
    [("fastgpu", "fastgpu:0"), ("fastgpu:1", "fastgpu:1"), ("CPU", "cpu:cpu"), ("npu:0", "npu:0")],
)
def test_pin_by_name_and_device(make_kernel: MakeKernel, requested: str, key: str) -> None:
    choice = select_hardware(make_kernel("cpu", "fastgpu", "npu"), requested)
    assert choice.device is not None and choice.device.key == key
    assert choice.fallback_reason is None and "pinned" in choice.reason


def test_configured_profile_is_the_default(make_kernel: MakeKernel) -> None:
    choice = select_hardware(make_kernel("cpu", "fastgpu", backend="fastgpu:1"))
    assert choice.requested == "fastgpu:1"
    assert choice.device is not None and choice.device.key == "fastgpu:1"


def test_unknown_backend_falls_back_to_cpu(
    make_kernel: MakeKernel, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="lmms_magenta.hardware"):
        choice = select_hardware(make_kernel("cpu", "fastgpu"), "opencl")
    assert choice.device is not None and choice.device.key == "cpu:cpu"
    assert choice.fallback_reason == ("backend 'opencl' is not installed (installed: cpu, fastgpu)")
    assert "falling back to cpu:cpu" in choice.reason
    assert any("opencl" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)


def test_unknown_device_falls_back_and_lists_devices(make_kernel: MakeKernel) -> None:
    choice = select_hardware(make_kernel("cpu", "fastgpu"), "fastgpu:7")
    assert choice.device is not None and choice.device.key == "cpu:cpu"
    assert choice.fallback_reason == "backend 'fastgpu' has no device '7' (devices: 0, 1)"


def test_raising_probe_breaks_only_its_plugin(make_kernel: MakeKernel) -> None:
    kernel = make_kernel("cpu", "brokenprobe", "fastgpu")
    choice = select_hardware(kernel)
    assert choice.device is not None and choice.device.key == "fastgpu:0"
    info = kernel.plugins["brokenprobe"]
    assert info.state == "broken"
    assert "driver exploded" in info.reason
    report = {b.name: b for b in choice.backends}["brokenprobe"]
    assert report.problem == "probe failed: RuntimeError: driver exploded"
    assert kernel.plugins["fastgpu"].state == "enabled"


def test_invalid_contributions_are_isolated(
    make_kernel: MakeKernel, caplog: pytest.LogCaptureFixture
) -> None:
    kernel = make_kernel("cpu", "oddballs")
    with caplog.at_level(logging.WARNING, logger="lmms_magenta.hardware"):
        choice = select_hardware(kernel)
    assert choice.device is not None and choice.device.key == "cpu:cpu"
    assert keys(choice) == ["cpu:cpu"]  # the duplicate "cpu" was never probed
    assert any("already provided by plugin 'cpu'" in r.getMessage() for r in caplog.records)
    assert kernel.plugins["oddballs"].state == "broken"
    assert kernel.plugins["oddballs"].reason == (
        "invalid backend: TypeError: got a Sloppy, which is not a Backend"
    )
    assert {b.plugin: b.problem for b in choice.backends}["oddballs"] is not None


def test_pinning_a_broken_backend_falls_back(make_kernel: MakeKernel) -> None:
    choice = select_hardware(make_kernel("cpu", "brokenprobe"), "brokenprobe")
    assert choice.device is not None and choice.device.key == "cpu:cpu"
    assert choice.fallback_reason is not None
    assert choice.fallback_reason.startswith("backend 'brokenprobe' is not usable: probe failed")


def test_raising_probe_in_strict_mode_is_an_error(make_kernel: MakeKernel) -> None:
    with pytest.raises(PluginError, match="driver exploded"):
        select_hardware(make_kernel("cpu", "brokenprobe", strict=True))


def test_no_device_at_all(make_kernel: MakeKernel) -> None:
    choice = select_hardware(make_kernel("brokenprobe"), "fastgpu")
    assert choice.device is None
    assert choice.fallback_reason == "backend 'fastgpu' is not installed (installed: brokenprobe)"


_NODRIVER = '''
"""Backends that find no device: one says why (``unavailable``), the others do not."""
from lmms_magenta.hookspecs import hookimpl


class NoDriver:
    name = "nodriver"
    unavailable = None

    def probe(self):
        self.unavailable = "  the NoDriver runtime is not installed: pip install nodriver  "
        return []

    def precisions(self, model, device):
        return ["fp32"]

    def create_session(self, model_path, device, precision="fp32", **opts):
        raise AssertionError("never reached: no device")


class Silent(NoDriver):
    name = "silent"

    def probe(self):
        return []


class OddReason(Silent):
    name = "oddreason"
    unavailable = 42


@hookimpl
def lmms_magenta_backends():
    return [NoDriver(), Silent(), OddReason()]
'''


@pytest.fixture(scope="module")
def nodriver(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real distribution (built and pip-installed here) of backends with no devices."""
    source = tmp_path_factory.mktemp("nodriver-src")
    (source / "lmms_magenta_fixture_nodriver").mkdir()
    (source / "lmms_magenta_fixture_nodriver" / "__init__.py").write_text(_NODRIVER)
    (source / "pyproject.toml").write_text(
        (FIXTURES / "npu" / "pyproject.toml").read_text().replace("npu", "nodriver")
    )
    return pip_install(source, tmp_path_factory.mktemp("nodriver"))


def test_no_device_reason_is_reported_and_not_cached(
    fx_env: Any, installed: dict[str, Path], nodriver: Path, probe_log: Path
) -> None:
    make = kernel_factory(fx_env, {**installed, "nodriver": nodriver})
    kernel = make("cpu", "nodriver")
    choice = select_hardware(kernel)
    reports = {b.name: b for b in choice.backends}
    assert reports["nodriver"].devices == 0
    assert reports["nodriver"].problem == (
        "the NoDriver runtime is not installed: pip install nodriver"
    )
    # no reason given (or not a string): just no devices, as before
    assert (reports["silent"].devices, reports["silent"].problem) == (0, None)
    assert reports["oddreason"].problem is None
    assert kernel.plugins["nodriver"].state == "enabled"  # not broken
    assert choice.device is not None and choice.device.key == "cpu:cpu"
    pinned = select_hardware(make("cpu", "nodriver"), "nodriver")
    assert pinned.fallback_reason == (
        "backend 'nodriver' is not usable: the NoDriver runtime is not installed: "
        "pip install nodriver"
    )
    again = select_hardware(make("cpu", "nodriver"))
    assert not again.from_cache  # probed again: the user may have installed the runtime
    assert probes(probe_log).count("cpu") == 3


# --- the probe cache ---------------------------------------------------------------------


def test_cache_hit_skips_probing(make_kernel: MakeKernel, probe_log: Path) -> None:
    first = select_hardware(make_kernel("cpu", "fastgpu"))
    second = select_hardware(make_kernel("cpu", "fastgpu"))
    assert (first.from_cache, second.from_cache) == (False, True)
    assert sorted(probes(probe_log)) == ["cpu", "fastgpu"]
    assert second.device == first.device and second.devices == first.devices
    assert second.backends == first.backends
    refreshed = select_hardware(make_kernel("cpu", "fastgpu"), refresh=True)
    assert not refreshed.from_cache and len(probes(probe_log)) == 4


def test_cache_invalidated_by_profile_change(make_kernel: MakeKernel, probe_log: Path) -> None:
    select_hardware(make_kernel("cpu", "fastgpu"))
    assert not select_hardware(make_kernel("cpu", "fastgpu"), "cpu").from_cache
    assert select_hardware(make_kernel("cpu", "fastgpu"), "cpu").from_cache


def test_cache_invalidated_by_backend_install_or_upgrade(
    make_kernel: MakeKernel,
    probe_log: Path,
    installed: dict[str, Path],
    fx_env: Any,
    tmp_path: Path,
) -> None:
    select_hardware(make_kernel("cpu", "fastgpu"))
    assert not select_hardware(make_kernel("cpu", "fastgpu", "npu")).from_cache
    assert select_hardware(make_kernel("cpu", "fastgpu", "npu")).from_cache
    # the same plugin, one version later, in another directory
    source = tmp_path / "fastgpu-src"
    shutil.copytree(FIXTURES / "fastgpu", source)
    pyproject = source / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('version = "1.0.0"', 'version = "1.0.1"'))
    upgraded_dir = pip_install(source, tmp_path / "fastgpu-1.0.1")
    make_upgraded = kernel_factory(fx_env, {**installed, "fastgpu": upgraded_dir})
    upgraded = select_hardware(make_upgraded("cpu", "fastgpu", "npu"))
    assert not upgraded.from_cache
    assert probes(probe_log).count("fastgpu") == 3


def test_cache_invalidated_by_kernel_upgrade(
    make_kernel: MakeKernel, probe_log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    select_hardware(make_kernel("cpu"))
    monkeypatch.setattr(hardware_probe, "__version__", "99.0")
    assert not select_hardware(make_kernel("cpu")).from_cache


def test_failed_probes_are_not_cached(make_kernel: MakeKernel) -> None:
    select_hardware(make_kernel("cpu", "brokenprobe"))
    again = select_hardware(make_kernel("cpu", "brokenprobe"))
    assert not again.from_cache
    assert {b.name: b.problem for b in again.backends}["brokenprobe"] is not None


@pytest.mark.parametrize("junk", ["{", "[]", '{"fingerprint": 1}', '{"devices": [{}]}'])
def test_corrupt_cache_is_ignored(make_kernel: MakeKernel, junk: str) -> None:
    kernel = make_kernel("cpu")
    path = hardware_probe.cache_path(kernel)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(junk)
    choice = select_hardware(kernel)
    assert choice.device is not None and not choice.from_cache
    assert select_hardware(make_kernel("cpu")).from_cache  # rewritten


def test_corrupt_cache_with_matching_fingerprint(make_kernel: MakeKernel) -> None:
    select_hardware(make_kernel("cpu"))
    path = hardware_probe.cache_path(make_kernel("cpu"))
    doc = json.loads(path.read_text())
    doc["devices"] = [{"backend": "cpu", "id": "", "name": "x", "kind": "cpu", "preference": 1}]
    path.write_text(json.dumps(doc))
    assert not select_hardware(make_kernel("cpu")).from_cache
