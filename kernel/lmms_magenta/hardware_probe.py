"""Probing the accelerator backends, and the on-disk cache of what they found.

Probing can be slow (importing OpenVINO takes ~0.4 s, building an OpenCL context
longer), and the answer rarely changes, so the devices found are cached as JSON in
the kernel's cache directory (``hardware-probe.json``). The cache is used only when
its *fingerprint* matches: the kernel version, the name/version/state of every
backend plugin, the Python environment and the requested profile. Installing,
upgrading, disabling a backend or changing ``--backend`` therefore re-probes;
``lmms-magenta hardware --refresh`` forces it (new driver, new GPU).

A probe that raised is never cached: the next run probes again and reports it again.
Neither is a backend that found no device and said why (its ``unavailable`` reason,
e.g. a runtime that is not installed): once the user follows the advice, the next run
sees the devices without needing ``--refresh``.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .hardware import Backend, BackendReport, Device, Profile, is_backend_name
from .safeio import atomic_write

if TYPE_CHECKING:
    from .kernel import Kernel

__all__ = ["BACKENDS_HOOK", "CACHE_FILE", "cache_path", "fingerprint", "load", "probe_all", "save"]

logger = logging.getLogger("lmms_magenta.hardware")

CACHE_FILE = "hardware-probe.json"
BACKENDS_HOOK = "lmms_magenta_backends"
_CACHE_FORMAT = 1


def cache_path(kernel: Kernel) -> Path:
    """Where the probe cache of this kernel's configuration lives."""
    return Path(kernel.config.cache_dir) / CACHE_FILE


def _backend_plugins(kernel: Kernel) -> list[list[str]]:
    """``[name, version, state]`` of each backend plugin, sorted.

    Backend plugins are those whose distribution has the ``lmms-magenta-backend``
    keyword; other kinds (features, models) are left out, so installing a feature
    does not re-probe the hardware.
    """
    return sorted(
        [info.name, info.version, info.state]
        for info in kernel.plugins.values()
        if info.kind == "backend"
    )


def fingerprint(kernel: Kernel, profile: Profile) -> dict[str, Any]:
    """What must be unchanged for a cached probe to be trusted."""
    return {
        "format": _CACHE_FORMAT,
        "kernel": __version__,
        "python": sys.prefix,
        "profile": str(profile),
        "plugins": _backend_plugins(kernel),
    }


def _backend_name(backend: object) -> str:
    """The backend's name, checking it is a Backend at all (raises otherwise)."""
    if not isinstance(backend, Backend):
        raise TypeError(f"got a {type(backend).__name__}, which is not a Backend")
    name = backend.name
    if not isinstance(name, str) or not is_backend_name(name):
        raise ValueError(f"invalid backend name {name!r} (use lower case letters and digits)")
    return name


def _probe(backend: Backend, name: str) -> list[Device]:
    found = list(backend.probe())
    for device in found:
        if not isinstance(device, Device) or device.backend != name:
            raise TypeError(f"probe returned {device!r}, not a Device of backend {name!r}")
    return found


def probe_all(kernel: Kernel) -> tuple[list[Device], list[BackendReport]]:
    """Ask every enabled backend for its devices.

    Each backend is handled in isolation: one that is not a :class:`Backend`, has an
    invalid name, or whose probe raises or returns something other than its own
    :class:`Device` objects is reported and its plugin marked broken through the
    kernel (a :class:`~lmms_magenta.errors.PluginError` in strict mode); a backend
    reusing another's name is ignored with a warning. The others go on.

    A backend that finds no device is not broken; its report carries its
    ``unavailable`` reason as the problem when it gives one.
    """
    devices: list[Device] = []
    reports: list[BackendReport] = []
    seen: dict[str, str] = {}
    broken: set[str] = set()
    for plugin, backend in kernel.contributions(BACKENDS_HOOK):
        if plugin in broken:
            continue
        try:
            name = _backend_name(backend)
        except Exception as err:  # isolation: a bad contribution disables only its plugin
            problem = f"invalid backend: {type(err).__name__}: {err}"
            logger.warning("plugin %r: %s", plugin, problem)
            kernel.mark_broken(plugin, problem, err)
            broken.add(plugin)
            reports.append(BackendReport(plugin, plugin, problem=problem))
            continue
        if name in seen:
            problem = f"backend name {name!r} is already provided by plugin {seen[name]!r}"
            logger.warning("plugin %r: %s; ignoring it", plugin, problem)
            continue
        seen[name] = plugin
        try:
            found = _probe(backend, name)
        except Exception as err:  # isolation: any probe bug disables only its plugin
            problem = f"probe failed: {type(err).__name__}: {err}"
            logger.warning("backend %r (plugin %r) %s", name, plugin, problem)
            kernel.mark_broken(plugin, f"backend {name!r} {problem}", err)
            broken.add(plugin)
            reports.append(BackendReport(name, plugin, problem=problem))
            continue
        devices.extend(found)
        reason = None if found else _unavailable(backend)
        if reason:
            logger.info("backend %r (plugin %r) found no device: %s", name, plugin, reason)
        reports.append(BackendReport(name, plugin, devices=len(found), problem=reason))
    return devices, reports


def _unavailable(backend: object) -> str | None:
    """The backend's own reason for finding no device (optional ``unavailable`` attribute).

    Anything but a non-empty string (a backend that does not set it, or sets it to
    something odd) means "no reason given".
    """
    reason = getattr(backend, "unavailable", None)
    if isinstance(reason, str) and reason.strip():
        return reason.strip()
    return None


def load(kernel: Kernel, profile: Profile) -> tuple[list[Device], list[BackendReport]] | None:
    """The cached probe, or ``None`` when missing, unreadable or stale."""
    path = cache_path(kernel)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(doc, Mapping) or doc.get("fingerprint") != fingerprint(kernel, profile):
            logger.debug("hardware probe cache %s is stale", path)
            return None
        devices = [Device.from_json(d) for d in doc["devices"]]
        reports = [BackendReport.from_json(r) for r in doc["backends"]]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as err:
        logger.debug("ignoring unreadable hardware probe cache %s: %s", path, err)
        return None
    return devices, reports


def save(
    kernel: Kernel, profile: Profile, devices: list[Device], reports: list[BackendReport]
) -> None:
    """Write the probe cache; a failure is logged, never raised (it is only a cache)."""
    path = cache_path(kernel)
    doc = {
        "fingerprint": fingerprint(kernel, profile),
        "devices": [d.to_json() for d in devices],
        "backends": [r.to_json() for r in reports],
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, json.dumps(doc, indent=1).encode("utf-8"), backup=False)
    except Exception as err:  # unwritable cache dir, unserializable details ...
        logger.debug("could not write hardware probe cache %s: %s", path, err)
