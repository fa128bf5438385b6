"""Opening a model on the chosen device, falling back to the CPU when that fails.

A GPU driver can refuse a model (an operator it lacks, not enough memory, a precision
it cannot do) when the session is created or only when it first runs. Features
should not each handle that, so :func:`open_session` returns a
:class:`ManagedSession` that, on such a failure, closes the failed session, opens the
model on the CPU fallback device, runs again and records why in
:attr:`ManagedSession.fallback_reason` (and the log). A requested precision the CPU
does not offer (fp16, bf16) is replaced by the CPU's best, and the reason says so.
Only when the CPU fails too does the caller get a
:class:`~lmms_magenta.errors.BackendError` naming the model file and both errors.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .errors import BackendError
from .hardware import Backend, Device, HardwareChoice, Session, TensorInfo, fallback_device
from .hardware_probe import BACKENDS_HOOK

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from .kernel import Kernel

__all__ = ["ManagedSession", "open_session"]

logger = logging.getLogger("lmms_magenta.hardware")


def _describe(err: BaseException) -> str:
    return f"{type(err).__name__}: {err}"


class ManagedSession:
    """A :class:`~lmms_magenta.hardware.Session` that moves itself to the CPU on failure.

    ``device`` and ``precision`` say where the model runs now; ``fallback_reason`` is
    ``None`` until a fallback happened. Use it as a context manager to close it.
    """

    def __init__(
        self,
        kernel_backends: Mapping[str, Backend],
        choice: HardwareChoice,
        model_path: str | os.PathLike[str],
        precision: str | None,
        opts: Mapping[str, Any],
    ) -> None:
        self._backends = kernel_backends
        self._choice = choice
        self._model_path = os.fspath(model_path)
        self._requested_precision = precision
        self._opts = dict(opts)
        self.fallback_reason: str | None = None
        self.device: Device
        self.precision: str
        self._session: Session | None = None
        if choice.device is None:
            raise BackendError(f"cannot run the model: {choice.reason}", path=self._model_path)
        try:
            self._open(choice.device)
        except Exception as err:
            self._fall_back(choice.device, f"could not open it on {choice.device.key}", err)

    # -- internals ----------------------------------------------------------------------
    def _backend(self, device: Device) -> Backend:
        backend = self._backends.get(device.backend)
        if backend is None:
            raise LookupError(f"backend {device.backend!r} is not loaded")
        return backend

    def _offered(self, device: Device) -> list[str]:
        """The precisions the device's backend offers for this model, best first."""
        return list(self._backend(device).precisions(self._model_path, device)) or ["fp32"]

    def _open(self, device: Device, precision: str | None = None) -> None:
        """Open the model on ``device`` in ``precision`` (default: requested, else best)."""
        offered = self._offered(device)
        precision = precision or self._requested_precision or offered[0]
        if precision not in offered:
            raise ValueError(f"precision {precision} not supported (offers {', '.join(offered)})")
        backend = self._backend(device)
        self._session = backend.create_session(self._model_path, device, precision, **self._opts)
        self.device, self.precision = device, precision

    def _fallback_precision(self, target: Device) -> tuple[str | None, str]:
        """The precision to open the fallback in, and what to add to the reason.

        The requested precision when the fallback offers it; otherwise (an fp16 or
        bf16 model asked of a GPU, but the CPU runs fp32) the fallback's best, said so:
        a result in another precision beats no result.
        """
        wanted = self._requested_precision
        if wanted is None:
            return None, ""
        offered = self._offered(target)
        if wanted in offered:
            return wanted, ""
        return offered[0], f" in {offered[0]} ({wanted} is not offered there)"

    def _fall_back(self, failed: Device, what: str, err: BaseException) -> None:
        """Move to the fallback device, or raise BackendError when there is none left."""
        reason = f"{what} ({_describe(err)})"
        target = fallback_device(self._choice.devices, avoid_backend=failed.backend)
        if target is None or self.fallback_reason is not None:
            raise BackendError(f"cannot run the model: {reason}", path=self._model_path) from err
        self.fallback_reason = f"{reason}; using {target.key}"
        try:
            precision, note = self._fallback_precision(target)
            self.fallback_reason += note
            logger.warning(
                "model %s: %s; retrying on %s%s", self._model_path, reason, target.key, note
            )
            self._open(target, precision)
        except Exception as err2:
            raise BackendError(
                f"cannot run the model: {reason}; on {target.key} too ({_describe(err2)})",
                path=self._model_path,
            ) from err2

    def _live(self) -> Session:
        if self._session is None:
            raise BackendError("the model session is closed", path=self._model_path)
        return self._session

    # -- Session protocol ---------------------------------------------------------------
    @property
    def inputs(self) -> Sequence[TensorInfo]:
        return self._live().inputs

    @property
    def outputs(self) -> Sequence[TensorInfo]:
        return self._live().outputs

    def run(self, feeds: Mapping[str, npt.NDArray[Any]]) -> dict[str, np.ndarray[Any, Any]]:
        """Run the model; on the first failure move to the CPU and run again there."""
        session = self._live()
        try:
            return session.run(feeds)
        except Exception as err:
            failed = self.device
            if self.fallback_reason is not None:
                raise BackendError(
                    f"the model failed on {failed.key} ({_describe(err)}) after falling "
                    f"back: {self.fallback_reason}",
                    path=self._model_path,
                ) from err
            self.close()
            self._fall_back(failed, f"it failed to run on {failed.key}", err)
            return self.run(feeds)

    def close(self) -> None:
        """Free the session (safe to call twice)."""
        session, self._session = self._session, None
        if session is not None:
            session.close()

    def __enter__(self) -> ManagedSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_session(
    kernel: Kernel,
    model_path: str | os.PathLike[str],
    *,
    choice: HardwareChoice | None = None,
    precision: str | None = None,
    **opts: Any,
) -> ManagedSession:
    """Open ``model_path`` on the profile's device (``choice``, default: select it now).

    ``precision`` defaults to the best the backend offers for the model. Raises
    :class:`~lmms_magenta.errors.BackendError` when neither the chosen device nor the
    CPU fallback can open the model.
    """
    from .hardware import select_hardware

    if choice is None:
        choice = select_hardware(kernel)
    backends: dict[str, Backend] = {}
    for _plugin, backend in kernel.contributions(BACKENDS_HOOK):
        if isinstance(backend, Backend):
            backends.setdefault(backend.name, backend)
    return ManagedSession(backends, choice, model_path, precision, opts)
