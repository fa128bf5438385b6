"""The ``openvino`` backend: OpenVINO on Intel (and other x86) CPUs, Intel GPUs and NPUs.

Devices are what ``ov.Core().available_devices`` lists (``CPU``, ``GPU.0``, ``NPU``).
Declared preferences: a discrete GPU 40, an integrated GPU 30, an NPU 20 (small
recurrent models gain little there), the CPU 9 - just below the ``cpu`` backend's 10,
because ONNX Runtime runs this project's models faster on a CPU (FACTS, and
benchmarks/backends.py). The probe micro-benchmark adds a measured speed bonus on the
shared scale (see :mod:`lmms_magenta.backend_support`), so a device that is really faster can win.

Precisions, best first: GPU/NPU ``fp16`` then ``fp32`` (as the device reports them);
CPU ``fp32``, then ``bf16`` where the CPU has it. Models are read from their fp32 ONNX
file and OpenVINO converts them itself; an ONNX Runtime ``int8`` variant is offered
only when the model has no fp32 file, since OpenVINO runs those files slower than fp32.

Settings (``[plugins.openvino]`` in config.toml, or session options): ``threads``
(CPU inference threads, default 1), ``measure`` (probe micro-benchmark, default
true); session option ``shapes`` (input name -> static shape).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lmms_magenta import backend_support as support
from lmms_magenta.hardware import Device, DeviceKind

if TYPE_CHECKING:
    from .session import OpenVinoSession

logger = logging.getLogger("lmms_magenta.backend.openvino")

NAME = "openvino"
CPU_PREFERENCE = 9
DECLARED = {"discrete": 40, "integrated": 30, "accelerator": 20}


def _kind(device_id: str) -> DeviceKind:
    family = device_id.split(".")[0].upper()
    if family == "CPU":
        return "cpu"
    return "gpu" if family == "GPU" else "accelerator"


class OpenVinoBackend:
    """Runs ONNX models with OpenVINO on every device it finds."""

    name = NAME

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        settings = dict(settings or {})
        self.threads = support.positive_int(
            settings.get("threads", 1), "[plugins.openvino] threads"
        )
        self.measure = bool(settings.get("measure", True))
        #: why ``probe`` found no device (``None`` when it found some)
        self.unavailable: str | None = None
        self._core: Any = None

    # --- runtime ----------------------------------------------------------------------

    def core(self) -> Any:
        """The ``ov.Core`` shared by the probe and every session (created once)."""
        if self._core is None:
            import openvino as ov

            self._core = ov.Core()
        return self._core

    def _property(self, device_id: str, name: str, default: Any = None) -> Any:
        try:
            return self.core().get_property(device_id, name)
        except Exception:  # a device may not know a property: it is only a detail
            return default

    def _capabilities(self, device_id: str) -> list[str]:
        return [str(c) for c in self._property(device_id, "OPTIMIZATION_CAPABILITIES", [])]

    # --- Backend protocol -------------------------------------------------------------

    def probe(self) -> list[Device]:
        """Every OpenVINO device, with a measured speed bonus (unless ``measure`` is off)."""
        try:
            import openvino as ov

            device_ids = list(self.core().available_devices)
        except (ImportError, RuntimeError) as err:  # no runtime, or it cannot start
            self.unavailable = f"OpenVINO cannot be used ({type(err).__name__}: {err})"
            if isinstance(err, ImportError):
                self.unavailable += "; install it with: pip install openvino"
            logger.info("backend %s: %s", NAME, self.unavailable)
            return []
        self.unavailable = None if device_ids else "OpenVINO lists no devices"
        devices = []
        for device_id in device_ids:
            kind = _kind(device_id)
            device_type = str(self._property(device_id, "DEVICE_TYPE", "")).rsplit(".", 1)[-1]
            if kind == "cpu":
                declared = CPU_PREFERENCE
            elif kind == "gpu":
                declared = DECLARED["discrete" if device_type == "DISCRETE" else "integrated"]
            else:
                declared = DECLARED["accelerator"]
            details: dict[str, Any] = {
                "runtime": f"openvino {ov.get_version()}",
                "device_type": None if kind == "cpu" else device_type.lower() or None,
                "capabilities": self._capabilities(device_id),
                "precisions": self._device_precisions(device_id),
                "declared_preference": declared,
            }
            if kind == "cpu":
                details["threads"] = self.threads
            preference = declared
            if self.measure:
                try:
                    latency = self._probe_latency_us(device_id)
                except Exception as err:  # a device that cannot run the probe model
                    logger.warning("openvino %s: probe benchmark failed: %s", device_id, err)
                    details["probe_error"] = f"{type(err).__name__}: {err}"
                else:
                    details["probe_us"] = round(latency, 1)
                    details["speed_bonus"] = support.speed_bonus(latency)
                    preference += details["speed_bonus"]
            name = str(self._property(device_id, "FULL_DEVICE_NAME", device_id))
            devices.append(Device(NAME, device_id, name, kind, preference, details))
        return devices

    def _probe_latency_us(self, device_id: str) -> float:
        import numpy as np

        precision = self._device_precisions(device_id)[0]
        with self._open(support.PROBE_MODEL, device_id, precision, threads=self.threads) as session:
            feeds = {"x": np.ones((1, 64), dtype=np.float32)}
            return support.median_latency_us(lambda: session.run(feeds))

    def _device_precisions(self, device_id: str) -> list[str]:
        caps = self._capabilities(device_id)
        if _kind(device_id) == "cpu":
            return ["fp32", "bf16"] if "BF16" in caps else ["fp32"]
        offered = [p for p, cap in (("fp16", "FP16"), ("fp32", "FP32")) if cap in caps]
        return offered or ["fp32"]

    def precisions(
        self, model: str | os.PathLike[str] | Mapping[str, Any], device: Device
    ) -> list[str]:
        """The device's precisions when the model has an fp32 file, else the file's own.

        The fp32 file is what OpenVINO compiles for fp32, fp16 and bf16 alike (it
        converts by itself), even when it was handed an int8 or fp16 variant.
        """
        found = support.model_variants(model)
        if "fp32" not in found:
            return [support.own_precision(model)]
        listed = device.details.get("precisions")
        if isinstance(listed, list) and listed:
            return [str(p) for p in listed]
        return self._device_precisions(device.id)

    def create_session(
        self,
        model_path: str | os.PathLike[str],
        device: Device,
        precision: str = "fp32",
        **opts: Any,
    ) -> OpenVinoSession:
        """Compile the model for ``device``; options: ``threads``, ``shapes``.

        Options meant for other backends are ignored, so the kernel can pass the same
        options to any backend.
        """
        if device.backend != NAME:
            raise ValueError(f"device {device.key} does not belong to backend {NAME!r}")
        offered = self.precisions(model_path, device)
        if precision not in offered:
            raise ValueError(
                f"precision {precision} is not supported for this model on {device.key} "
                f"(offers {', '.join(offered)})"
            )
        threads = support.positive_int(opts.get("threads", self.threads), "threads")
        variants = support.model_variants(model_path)
        if "fp32" in variants:
            path, hint = variants["fp32"], precision
        else:  # only a quantized or fp16 file: run it as it is, the rest in fp32
            path, hint = Path(model_path), "fp32"
        return self._open(path, device.id, hint, threads=threads, shapes=opts.get("shapes"))

    def _open(
        self,
        path: str | os.PathLike[str],
        device_id: str,
        precision: str,
        *,
        threads: int,
        shapes: Mapping[str, Any] | None = None,
    ) -> OpenVinoSession:
        from .session import OpenVinoSession

        logger.debug("compiling %s for %s (%s)", path, device_id, precision)
        return OpenVinoSession(
            self.core(), path, device_id, precision=precision, threads=threads, shapes=shapes
        )
