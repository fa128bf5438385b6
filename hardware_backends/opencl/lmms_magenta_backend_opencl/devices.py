"""Finding OpenCL devices and telling real GPUs from CPU-emulated ones.

Every device of every OpenCL platform (installable client driver) is listed, numbered
in enumeration order: ids ``"0"``, ``"1"`` ... (``--backend opencl:1``). The kind the
kernel ranks by comes from the device type, with one correction: a device that is
really the CPU running a software rasterizer or compiler - PoCL's ``pthread`` /
``cpu`` device, Mesa's llvmpipe under rusticl, SwiftShader - is ``"cpu"`` even when
it reports a GPU type, and flagged ``emulated``. Such devices are useful to exercise
the OpenCL code paths (and the tests use PoCL for that), but ONNX Runtime is faster on
the same cores, so the backend gives them a preference below the ``cpu`` backend's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lmms_magenta.hardware import Device, DeviceKind

__all__ = ["ClDevice", "find", "list_devices"]

#: device names of software renderers that report a GPU type
_SOFTWARE = re.compile(r"llvmpipe|lavapipe|softpipe|swiftshader", re.IGNORECASE)


@dataclass(frozen=True)
class ClDevice:
    """One OpenCL device as found by enumeration."""

    id: str
    platform: Any
    device: Any

    @property
    def name(self) -> str:
        return str(self.device.name).strip()

    @property
    def kind(self) -> DeviceKind:
        import pyopencl as cl

        device_type = int(self.device.type)
        if self.emulated or device_type & cl.device_type.CPU:
            return "cpu"
        if device_type & cl.device_type.GPU:
            return "gpu"
        return "accelerator"

    @property
    def emulated(self) -> bool:
        """Whether this "device" is the host CPU (PoCL CPU, llvmpipe ...)."""
        import pyopencl as cl

        return bool(int(self.device.type) & cl.device_type.CPU) or bool(_SOFTWARE.search(self.name))

    @property
    def discrete(self) -> bool:
        """A GPU with its own memory (not sharing the host's)."""
        return not bool(self.device.host_unified_memory)

    @property
    def fp64(self) -> bool:
        """Whether the device computes in double precision (the DSP kernels need it)."""
        return "cl_khr_fp64" in str(self.device.extensions) or bool(
            getattr(self.device, "double_fp_config", 0)
        )

    def details(self) -> dict[str, Any]:
        """JSON-serializable facts for ``lmms-magenta hardware``."""
        import pyopencl as cl

        dev = self.device
        return {
            "runtime": f"pyopencl {cl.VERSION_TEXT}",
            "platform": str(self.platform.name).strip(),
            "platform_version": str(self.platform.version).strip(),
            "vendor": str(dev.vendor).strip(),
            "device_type": _type_names(int(dev.type)),
            "device_version": str(dev.version).strip(),
            "driver_version": str(dev.driver_version).strip(),
            "compute_units": int(dev.max_compute_units),
            "global_memory_mb": int(dev.global_mem_size) // (1 << 20),
            "max_clock_mhz": int(dev.max_clock_frequency),
            "emulated": self.emulated,
            "fp64": self.fp64,
        }


def _type_names(bits: int) -> str:
    """The OpenCL device type bits as words (``"cpu"``, ``"gpu"``, ``"cpu default"``)."""
    import pyopencl as cl

    names = ("CPU", "GPU", "ACCELERATOR", "CUSTOM", "DEFAULT")
    return " ".join(n.lower() for n in names if bits & getattr(cl.device_type, n)) or "unknown"


def list_devices() -> list[ClDevice]:
    """Every device of every OpenCL platform, numbered in enumeration order.

    Raises ``pyopencl.Error`` when the ICD loader finds no platform at all.
    """
    import pyopencl as cl

    found: list[ClDevice] = []
    for platform in cl.get_platforms():
        try:
            devices = platform.get_devices()
        except cl.Error:  # a platform whose driver finds no device of its own
            continue
        for device in devices:
            found.append(ClDevice(str(len(found)), platform, device))
    return found


def find(device: Device) -> ClDevice:
    """The OpenCL device behind a probed :class:`Device` (same id and name).

    Raises LookupError when the devices changed since the probe (a driver was
    installed or removed): ``lmms-magenta hardware --refresh`` probes again.
    """
    for candidate in list_devices():
        if candidate.id == device.id:
            if candidate.name != device.name:
                break
            return candidate
    raise LookupError(
        f"OpenCL device {device.key} ({device.name}) is no longer there; "
        "run 'lmms-magenta hardware --refresh'"
    )
