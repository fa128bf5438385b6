"""The ``vulkan`` backend: ncnn running pnnx-converted models on Vulkan devices.

Devices are the Vulkan physical devices ncnn finds (:mod:`.devices`), ids ``"0"``,
``"1"`` ...; lavapipe and other CPU-emulated devices are kind ``cpu`` and never
chosen by ``auto``.

Models: ncnn does not read ONNX. The first time a model is used, its fp32 ONNX file
is converted with pnnx into the model store (:mod:`.derived`, :mod:`.conversion`);
later uses load the stored conversion after checking its sha256. Precisions, best
first: ``fp32`` (exact: ncnn's fp16 options off) then ``fp16`` (its own conversion
with fp16 weights, fp16 storage and arithmetic on; error ~5e-3). A model pnnx cannot
convert offers no precision: :meth:`VulkanBackend.precisions` returns ``[]`` and
:meth:`VulkanBackend.problem` says why, and opening it raises
:class:`~lmms_magenta_backend_vulkan.conversion.ConversionError`, so the kernel runs
it on the CPU backend and gives that reason.

Settings (``[plugins.vulkan]`` in config.toml; ``threads`` also as a session option):
``threads`` (ncnn CPU threads, default 1), ``measure`` (probe micro-benchmark,
default true), ``convert_timeout_s`` (default 300).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lmms_magenta import backend_support as support
from lmms_magenta.hardware import Device

from .conversion import ConversionError, Converter, verified_bytes
from .derived import Artifact, DerivedStore, TamperedArtifact
from .devices import VulkanDeviceInfo, list_devices
from .session import PRECISIONS, NcnnSession

__all__ = ["NAME", "VulkanBackend"]

logger = logging.getLogger("lmms_magenta.backend.vulkan")

NAME = "vulkan"
STORE_KIND = "ncnn"


def _positive_number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ValueError(f"{what} must be a number > 0, not {value!r}")
    return float(value)


class VulkanBackend:
    """Runs ONNX models, converted to ncnn, on the Vulkan devices ncnn finds."""

    name = NAME

    def __init__(self, settings: Mapping[str, Any] | None, data_dir: Path) -> None:
        settings = dict(settings or {})
        self.threads = support.positive_int(settings.get("threads", 1), "[plugins.vulkan] threads")
        self.measure = bool(settings.get("measure", True))
        timeout = _positive_number(
            settings.get("convert_timeout_s", 300), "[plugins.vulkan] convert_timeout_s"
        )
        self.converter = Converter(DerivedStore(data_dir, STORE_KIND), timeout_s=timeout)
        #: why ``probe`` found no device (``None`` when it found some)
        self.unavailable: str | None = None
        self._problems: dict[str, str] = {}

    # --- devices ----------------------------------------------------------------------

    def probe(self) -> list[Device]:
        """Every Vulkan device, real name and type; a speed bonus for real GPUs only."""
        found, self.unavailable = list_devices()
        if self.unavailable:
            logger.info("backend %s: %s", NAME, self.unavailable)
        return [self._device(info) for info in found]

    def _device(self, info: VulkanDeviceInfo) -> Device:
        from importlib.metadata import version

        details = info.details()
        details.update(
            runtime=f"ncnn {version('ncnn')}", precisions=list(PRECISIONS), threads=self.threads
        )
        preference = info.declared_preference
        if self.measure:
            try:
                latency = self._probe_latency_us(info.index)
            except Exception as err:  # a device that cannot run the probe model
                logger.warning("vulkan %s: probe benchmark failed: %s", info.index, err)
                details["probe_error"] = f"{type(err).__name__}: {err}"
            else:
                details["probe_us"] = round(latency, 1)
                if info.emulated:  # same cores as the cpu backend: never ranked above it
                    details["speed_bonus"] = 0
                else:
                    details["speed_bonus"] = support.speed_bonus(latency)
                    preference += details["speed_bonus"]
        return Device(NAME, str(info.index), info.name, info.kind, preference, details)

    def _probe_latency_us(self, index: int) -> float:
        import numpy as np

        with self._open(support.PROBE_MODEL, index, "fp32", self.threads) as session:
            feeds = {"x": np.ones((1, 64), dtype=np.float32)}
            return support.median_latency_us(lambda: session.run(feeds), calls=30, warmup=5)

    # --- models -----------------------------------------------------------------------

    @staticmethod
    def source(model: str | os.PathLike[str] | Mapping[str, Any]) -> Path:
        """The ONNX file every precision is converted from: the fp32 one when it exists."""
        variants = support.model_variants(model)
        if "fp32" in variants:
            return variants["fp32"]
        if isinstance(model, Mapping):
            return Path(model.get("path") or model.get("file") or "model.onnx")
        return Path(model)

    def problem(self, model: str | os.PathLike[str] | Mapping[str, Any]) -> str | None:
        """Why :meth:`precisions` offered nothing for ``model`` (``None`` if it did)."""
        return self._problems.get(str(self.source(model)))

    def precisions(
        self, model: str | os.PathLike[str] | Mapping[str, Any], device: Device
    ) -> list[str]:
        """``["fp32", "fp16"]`` once the model converts (converting it now if needed).

        ``[]`` when it cannot be converted; :meth:`problem` gives the reason.
        """
        source = self.source(model)
        try:
            self.converter.artifact(source, "fp32")
        except ConversionError as err:
            self._problems[str(source)] = str(err)
            return []
        self._problems.pop(str(source), None)
        return list(PRECISIONS)

    def create_session(
        self,
        model_path: str | os.PathLike[str],
        device: Device,
        precision: str = "fp32",
        **opts: Any,
    ) -> NcnnSession:
        """Load the model's ncnn conversion on ``device``; option ``threads``.

        Options meant for other backends (``shapes`` ...) are ignored. Raises
        ConversionError when the model cannot be converted.
        """
        if device.backend != NAME:
            raise ValueError(f"device {device.key} does not belong to backend {NAME!r}")
        if precision not in PRECISIONS:
            raise ValueError(
                f"precision {precision} is not supported by backend {NAME!r} "
                f"(offers {', '.join(PRECISIONS)})"
            )
        threads = support.positive_int(opts.get("threads", self.threads), "threads")
        return self._open(Path(model_path), int(device.id), precision, threads)

    def _open(self, model: Path, index: int, precision: str, threads: int) -> NcnnSession:
        """Open the verified conversion; a tampered one is removed and converted again."""
        from .devices import gpu_count

        gpu_count()  # create ncnn's GPU instance with its stderr chatter captured
        source = self.source(model)
        artifact = self.converter.artifact(source, precision)
        try:
            param, weights = verified_bytes(artifact)
        except TamperedArtifact as err:
            logger.warning("%s; converting the model again", err)
            self.converter.forget(artifact)
            artifact = self.converter.artifact(source, precision)
            param, weights = verified_bytes(artifact)
        return self._session(artifact, param, weights, index, precision, threads, source)

    @staticmethod
    def _session(
        artifact: Artifact,
        param: bytes,
        weights: bytes,
        index: int,
        precision: str,
        threads: int,
        source: Path,
    ) -> NcnnSession:
        logger.debug("loading %s on vulkan:%d (%s)", artifact.folder, index, precision)
        return NcnnSession(
            param,
            weights,
            artifact.inputs,
            artifact.outputs,
            vulkan_device=index,
            precision=precision,
            threads=threads,
            path=str(source),
        )
