"""The Vulkan devices ncnn sees: real names and types, and how much ``auto`` wants each.

ncnn enumerates the Vulkan physical devices when its GPU instance is created (the
first ``get_gpu_count``); ``get_gpu_info(i)`` gives the name and the Vulkan device
type: discrete, integrated, virtual GPU, or CPU.

A **CPU-emulated** device - Mesa's lavapipe (``llvmpipe``), SwiftShader: Vulkan type
``CPU``, or one of those driver names - is listed as kind ``cpu`` with preference
:data:`EMULATED_PREFERENCE`, below every native CPU runtime, and gets no speed bonus:
it computes on the same cores as the ``cpu`` backend plus 0.5-2 ms of dispatch
overhead per layer (FACTS.md), so ``auto`` never picks it; a user can still pin it
(``--backend vulkan``), which is how CI exercises this backend without a GPU. A real
GPU is kind ``gpu`` with the same declared tiers as the OpenVINO backend (discrete 40,
integrated 30, virtual 20) plus the measured speed bonus.

ncnn prints a few lines per device to stderr when it creates the instance; they are
captured and sent to the debug log instead of the user's terminal.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lmms_magenta.hardware import DeviceKind

from .tools import load_ncnn

__all__ = [
    "DECLARED",
    "EMULATED_PREFERENCE",
    "VK_TYPES",
    "VulkanDeviceInfo",
    "gpu_count",
    "list_devices",
    "stderr_to",
]

logger = logging.getLogger("lmms_magenta.backend.vulkan")

#: ncnn ``GpuInfo.type()`` -> Vulkan physical device type
VK_TYPES = {0: "discrete", 1: "integrated", 2: "virtual", 3: "cpu"}
DECLARED = {"discrete": 40, "integrated": 30, "virtual": 20}
EMULATED_PREFERENCE = 1
EMULATED_NAMES = ("llvmpipe", "lavapipe", "swiftshader")
INSTALL_HINT = (
    "install a Vulkan driver (Debian/Ubuntu: apt-get install libvulkan1 mesa-vulkan-drivers)"
)

_instance_lock = threading.Lock()
_instance_log: list[str] | None = None


@contextlib.contextmanager
def stderr_to(lines: list[str]) -> Iterator[None]:
    """Collect what native code writes to file descriptor 2 into ``lines``."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real stderr (embedded interpreter): nothing to hide
        yield
        return
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            text = sink.read().decode("utf-8", "replace")
            lines.extend(line for line in text.splitlines() if line.strip())


def gpu_count() -> tuple[int, list[str]]:
    """``ncnn.get_gpu_count()`` and what ncnn printed creating its GPU instance.

    The instance is created once per process; later calls return the same lines.
    """
    global _instance_log
    ncnn = load_ncnn()

    with _instance_lock:
        if _instance_log is None:
            lines: list[str] = []
            with stderr_to(lines):
                ncnn.get_gpu_count()
            for line in lines:
                logger.debug("ncnn: %s", line)
            _instance_log = lines
        return int(ncnn.get_gpu_count()), list(_instance_log)


def _version(encoded: int) -> str:
    """A Vulkan packed version (``VK_MAKE_API_VERSION``) as ``major.minor.patch``."""
    return f"{(encoded >> 22) & 0x7F}.{(encoded >> 12) & 0x3FF}.{encoded & 0xFFF}"


@dataclass(frozen=True)
class VulkanDeviceInfo:
    """What ncnn reports about one Vulkan device."""

    index: int
    name: str
    vk_type: str
    api_version: str
    driver_version: int
    vendor_id: int
    device_id: int

    @property
    def emulated(self) -> bool:
        """A CPU pretending to be a GPU (lavapipe, SwiftShader)."""
        lowered = self.name.lower()
        return self.vk_type == "cpu" or any(n in lowered for n in EMULATED_NAMES)

    @property
    def kind(self) -> DeviceKind:
        return "cpu" if self.emulated else "gpu"

    @property
    def declared_preference(self) -> int:
        return EMULATED_PREFERENCE if self.emulated else DECLARED.get(self.vk_type, 20)

    def details(self) -> dict[str, Any]:
        return {
            "device_type": self.vk_type,
            "emulated": self.emulated,
            "vulkan_api": self.api_version,
            "driver_version": self.driver_version,
            "vendor_id": f"0x{self.vendor_id:04x}",
            "device_id": f"0x{self.device_id:04x}",
            "declared_preference": self.declared_preference,
        }


def list_devices() -> tuple[list[VulkanDeviceInfo], str | None]:
    """The Vulkan devices, or ``([], why)`` when ncnn or a Vulkan driver is missing."""
    try:
        ncnn = load_ncnn()
    except ImportError as err:
        return [], f"ncnn cannot be imported ({err}); install it with: pip install ncnn"
    count, printed = gpu_count()
    if count == 0:
        said = next((line for line in printed if "fail" in line.lower()), None)
        why = "no Vulkan device found" + (f" (ncnn: {said.strip()})" if said else "")
        return [], f"{why}; {INSTALL_HINT}"
    found = []
    for index in range(count):
        info = ncnn.get_gpu_info(index)
        found.append(
            VulkanDeviceInfo(
                index=index,
                name=str(info.device_name()),
                vk_type=VK_TYPES.get(int(info.type()), "other"),
                api_version=_version(int(info.api_version())),
                driver_version=int(info.driver_version()),
                vendor_id=int(info.vendor_id()),
                device_id=int(info.device_id()),
            )
        )
    return found, None
