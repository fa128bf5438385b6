"""The hardware profile: which device of which backend runs the models.

A backend plugin (``lmms-magenta-backend-<name>``: ONNX Runtime on the CPU, OpenVINO,
OpenCL, Vulkan ...) returns :class:`Backend` objects from its
``lmms_magenta_backends`` hook. Each backend *probes* its devices, says which
*precisions* a model can run in on a device, and *creates sessions* that run a model.
That interface (:class:`Backend`, :class:`Device`, :class:`Session`,
:class:`TensorInfo`) is defined in :mod:`lmms_magenta.hardware_interface` and
re-exported here, so ``from lmms_magenta.hardware import Backend, Device`` keeps
working; this module chooses among the devices.

The *hardware profile* is what the user asked for (config file ``backend = ...``,
environment ``LMMS_MAGENTA_BACKEND`` or ``--backend``):

``auto``
    the device with the highest ``preference``; on a tie a GPU or accelerator wins
    over a CPU (then backend and device names, so the choice is deterministic);
``NAME``
    the best device of backend ``NAME``;
``NAME:DEVICE``
    exactly that device.

When the pinned backend or device is missing, broken or finds nothing, the kernel
falls back to the CPU (the backend called ``cpu``, else any CPU device) and says why,
both in the log and in :attr:`HardwareChoice.fallback_reason`: a user's wrong setting
never stops the music. :func:`select_hardware` does this, caching probe results
(:mod:`lmms_magenta.hardware_probe`); :func:`lmms_magenta.hardware_sessions.open_session`
opens a model on the chosen device with the same CPU fallback.

Nothing heavy is imported here: backends import their runtimes inside ``probe`` and
``create_session``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import ParameterError
from .hardware_interface import (
    CPU_BACKEND,
    DEVICE_KINDS,
    Backend,
    Device,
    DeviceKind,
    Session,
    TensorInfo,
    is_backend_name,
)

if TYPE_CHECKING:
    from .kernel import Kernel

# The backend interface names are re-exported: backends and features import them from here.
__all__ = [
    "CPU_BACKEND",
    "DEVICE_KINDS",
    "Backend",
    "BackendReport",
    "Device",
    "DeviceKind",
    "HardwareChoice",
    "Profile",
    "Session",
    "TensorInfo",
    "choose_device",
    "fallback_device",
    "is_backend_name",
    "rank_devices",
    "select_hardware",
]

logger = logging.getLogger("lmms_magenta.hardware")


@dataclass(frozen=True)
class Profile:
    """A parsed hardware profile: ``auto`` (both ``None``), ``NAME`` or ``NAME:DEVICE``."""

    backend: str | None = None
    device: str | None = None

    @classmethod
    def parse(cls, text: str | None) -> Profile:
        """Parse a profile string; raise ParameterError for a malformed one."""
        raw = (text or "auto").strip()
        if raw.lower() in ("", "auto"):
            return cls()
        name, sep, device = raw.partition(":")
        name, device = name.strip().lower(), device.strip()
        if not is_backend_name(name) or (sep and not device):
            raise ParameterError(
                f"invalid value for parameter 'backend': {raw!r} "
                "(allowed: auto, NAME or NAME:DEVICE, e.g. cpu or openvino:GPU.0)"
            )
        return cls(name, device or None)

    def __str__(self) -> str:
        if self.backend is None:
            return "auto"
        return f"{self.backend}:{self.device}" if self.device else self.backend

    def matches(self, device: Device) -> bool:
        """Whether ``device`` is one the profile pins (always true for ``auto``)."""
        if self.backend is None:
            return True
        if device.backend != self.backend:
            return False
        return self.device is None or device.id.lower() == self.device.lower()


@dataclass(frozen=True)
class BackendReport:
    """What probing one backend gave: its plugin, device count, or the problem."""

    name: str
    plugin: str
    devices: int = 0
    problem: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "plugin": self.plugin,
            "devices": self.devices,
            "problem": self.problem,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BackendReport:
        return cls(data["name"], data["plugin"], data["devices"], data["problem"])


@dataclass(frozen=True)
class HardwareChoice:
    """The outcome of hardware selection.

    ``device`` is the chosen device (``None`` only when no backend found any device),
    ``devices`` every probed device best first, ``reason`` a sentence saying why this
    device, ``fallback_reason`` why the requested profile could not be honoured
    (``None`` when it was), ``from_cache`` whether the probe came from the cache.
    """

    requested: str
    device: Device | None
    devices: tuple[Device, ...]
    backends: tuple[BackendReport, ...]
    reason: str
    fallback_reason: str | None = None
    from_cache: bool = False

    def to_json(self) -> dict[str, Any]:
        """A JSON-serializable form (``lmms-magenta hardware --json``)."""
        return {
            "requested": self.requested,
            "chosen": self.device.to_json() if self.device else None,
            "reason": self.reason,
            "fallback_reason": self.fallback_reason,
            "from_cache": self.from_cache,
            "backends": [b.to_json() for b in self.backends],
            "devices": [d.to_json() for d in self.devices],
        }


_KIND_ORDER = {"gpu": 0, "accelerator": 0, "cpu": 1}


def rank_devices(devices: Iterable[Device]) -> list[Device]:
    """Devices best first: higher preference, then GPU/accelerator before CPU, then names."""
    return sorted(devices, key=lambda d: (-d.preference, _KIND_ORDER[d.kind], d.backend, d.id))


def fallback_device(
    devices: Iterable[Device], *, avoid_backend: str | None = None
) -> Device | None:
    """The device to fall back to: the ``cpu`` backend's best, else any CPU, else any.

    ``avoid_backend`` excludes the backend that just failed.
    """
    usable = [d for d in rank_devices(devices) if d.backend != avoid_backend]
    for pick in (
        [d for d in usable if d.backend == CPU_BACKEND],
        [d for d in usable if d.kind == "cpu"],
        usable,
    ):
        if pick:
            return pick[0]
    return None


def _why_unavailable(
    profile: Profile, devices: Sequence[Device], reports: Sequence[BackendReport]
) -> str:
    """A sentence explaining why a pinned profile matched no device."""
    report = next((r for r in reports if r.name == profile.backend), None)
    if report is None:
        installed = ", ".join(sorted(r.name for r in reports)) or "none"
        return f"backend {profile.backend!r} is not installed (installed: {installed})"
    if report.problem:
        return f"backend {profile.backend!r} is not usable: {report.problem}"
    own = [d.id for d in devices if d.backend == profile.backend]
    if not own:
        return f"backend {profile.backend!r} found no devices on this machine"
    return (
        f"backend {profile.backend!r} has no device {profile.device!r} (devices: {', '.join(own)})"
    )


def choose_device(
    devices: Sequence[Device], profile: Profile, reports: Sequence[BackendReport] = ()
) -> tuple[Device | None, str, str | None]:
    """Pick a device for ``profile``: returns ``(device, reason, fallback_reason)``.

    Pure function of the probe results, so it is tested without any backend.
    """
    ranked = rank_devices(devices)
    if not ranked:
        return (
            None,
            "no backend found any device; install lmms-magenta-backend-cpu",
            (None if profile.backend is None else _why_unavailable(profile, ranked, reports)),
        )
    pinned = [d for d in ranked if profile.matches(d)]
    if pinned:
        best = pinned[0]
        if profile.backend is None:
            why = f"auto: highest preference ({best.preference}) of {len(ranked)} device(s)"
        else:
            why = f"pinned by profile {str(profile)!r}"
        return best, why, None
    problem = _why_unavailable(profile, ranked, reports)
    fallback = fallback_device(ranked)
    assert fallback is not None  # ranked is not empty
    return fallback, f"{problem}; falling back to {fallback.key}", problem


def select_hardware(
    kernel: Kernel, requested: str | None = None, *, refresh: bool = False
) -> HardwareChoice:
    """Probe the backends (or read the cached probe) and choose a device.

    ``requested`` defaults to the kernel's configured profile (``kernel.config.backend``).
    ``refresh=True`` ignores the cache. A probe that raises marks its plugin broken
    (through the kernel) and is reported; the other backends are still used. Raises
    ParameterError only for a malformed profile string.
    """
    from . import hardware_probe

    profile = Profile.parse(requested if requested is not None else kernel.config.backend)
    cached = None if refresh else hardware_probe.load(kernel, profile)
    if cached is not None:
        devices, reports = cached
    else:
        devices, reports = hardware_probe.probe_all(kernel)
        if all(r.problem is None for r in reports):
            hardware_probe.save(kernel, profile, devices, reports)
    device, reason, fallback_reason = choose_device(devices, profile, reports)
    if fallback_reason:
        logger.warning("hardware profile %r: %s", str(profile), reason)
    else:
        logger.info("hardware: %s (%s)", device.key if device else "none", reason)
    return HardwareChoice(
        requested=str(profile),
        device=device,
        devices=tuple(rank_devices(devices)),
        backends=tuple(reports),
        reason=reason,
        fallback_reason=fallback_reason,
        from_cache=cached is not None,
    )
