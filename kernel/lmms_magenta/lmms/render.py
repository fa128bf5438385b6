"""Rendering a project to audio with the real LMMS program, headless and private.

LMMS 1.2 has no library API; ``lmms render FILE -o OUT`` is the way to hear a project.
:func:`render_project` runs it the one way that is known to work unattended
(measured, see the project's FACTS): ``QT_QPA_PLATFORM=offscreen``, ``--allowroot``
when running as root (LMMS refuses root otherwise), a private ``-c lmmsrc.xml`` and
``HOME`` in a work folder so the user's own settings are never read or written, stdin
closed, and a timeout. ``float32`` asks for 32-bit float samples (``-a``: nothing
clips, so levels above 0 dBFS are measured as they are).

LMMS 1.2 now and then dies of a segmentation fault in the middle of a render that
succeeds when run again (seen on ``CapDan-ReggaeTry``, about one run in ten), so a
run killed by a signal is retried (:data:`CRASH_RETRIES`, each retry logged). Other
failures are not retried: exit code 1 is a real answer (an empty project), and a file
that crashes LMMS every time (malformed XML) fails after the retries. Every failure
is a :class:`RenderError` naming the project.

Reading the audio is left to the caller (soundfile is not a kernel dependency).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError

__all__ = [
    "CRASH_RETRIES",
    "DEFAULT_TIMEOUT",
    "FORMATS",
    "LMMS_ENV",
    "LmmsNotFoundError",
    "RenderError",
    "RenderRun",
    "crashed",
    "find_lmms",
    "render_project",
]

logger = logging.getLogger(__name__)

#: How many times a render killed by a signal is run again.
CRASH_RETRIES = 2
#: Seconds one LMMS run may take (LMMS renders ~9x realtime on 2 cores).
DEFAULT_TIMEOUT = 900.0
#: Environment variable naming the LMMS program (default: ``lmms`` on PATH).
LMMS_ENV = "LMMS_MAGENTA_LMMS"
#: Output formats LMMS 1.2 writes from the command line (it rejects flac).
FORMATS = ("wav", "ogg", "mp3")
#: What LMMS 1.2 prints on every run; never the reason for a failure.
_NOISE = ("VST sync support disabled",)


class LmmsNotFoundError(UserError):
    """The LMMS program is not installed (or not where ``LMMS_MAGENTA_LMMS`` says)."""


class RenderError(UserError):
    """LMMS failed to render a project: a non-zero exit, no output, or a timeout.

    ``returncode`` is None for a timeout; ``log`` holds the end of what LMMS printed
    (stdout, then stderr).
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | os.PathLike[str] | None,
        returncode: int | None,
        log: str = "",
    ) -> None:
        super().__init__(message, path=path)
        self.returncode = returncode
        self.log = log


@dataclass(frozen=True)
class RenderRun:
    """A finished render: the audio file, how many LMMS runs it took, and their time."""

    output: Path
    attempts: int
    seconds: float


def find_lmms() -> str:
    """Path of the LMMS program; :class:`LmmsNotFoundError` saying how to get it."""
    wanted = os.environ.get(LMMS_ENV) or "lmms"
    found = shutil.which(wanted)
    if found is None:
        raise LmmsNotFoundError(
            f"the LMMS program is needed to render a project and was not found ({wanted!r} "
            f"is not on PATH; install LMMS, e.g. 'apt-get install lmms', or set {LMMS_ENV})"
        )
    return found


def crashed(returncode: int) -> bool:
    """Whether an exit code means "killed by a signal" (-11, or 139 through a shell)."""
    return returncode < 0 or returncode >= 128


def _is_root() -> bool:
    geteuid = getattr(os, "geteuid", None)  # absent on Windows
    return geteuid is not None and geteuid() == 0


def _command(
    lmms: str, project: Path, output: Path, workdir: Path, *, float32: bool, rate: int | None
) -> list[str]:
    fmt = output.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"LMMS renders {', '.join(FORMATS)}; cannot write {output.name!r}")
    cmd = [lmms, "--allowroot"] if _is_root() else [lmms]
    cmd += ["-c", str(workdir / "lmmsrc.xml"), "render", str(project)]
    cmd += ["-o", str(output), "-f", fmt]
    if float32:
        cmd.append("-a")
    if rate is not None:
        cmd += ["-s", str(rate)]
    return cmd


def render_project(
    project: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    float32: bool = False,
    rate: int | None = None,
    lmms: str | None = None,
    workdir: str | os.PathLike[str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = CRASH_RETRIES,
    source: str | os.PathLike[str] | None = None,
) -> RenderRun:
    """Render the project file ``project`` to ``output`` (``.wav``, ``.ogg`` or ``.mp3``).

    ``rate`` is the sample rate (LMMS's default, 44.1 kHz, when None); ``lmms`` the
    program (default :func:`find_lmms`); ``workdir`` the folder for LMMS's private
    config and HOME (a temporary one, removed afterwards, when None); ``source`` the
    file named in errors (default ``project``: pass the user's file when rendering a
    temporary copy of it).
    """
    program = lmms or find_lmms()
    project, output = Path(project), Path(output)
    named = source if source is not None else project
    with contextlib.ExitStack() as stack:
        if workdir is None:
            workdir = stack.enter_context(tempfile.TemporaryDirectory(prefix="lmms-magenta-"))
        work = Path(workdir)
        cmd = _command(program, project, output, work, float32=float32, rate=rate)
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(work))
        start = time.perf_counter()
        proc, attempts = _run(cmd, env, output, timeout=timeout, retries=retries, named=named)
        seconds = time.perf_counter() - start
    if proc.returncode != 0 or not output.is_file():
        log = (proc.stdout + b"\n" + proc.stderr).decode(errors="replace").strip()
        lines = [line.strip() for line in log.splitlines() if line.strip()]
        lines = [line for line in lines if not line.startswith(_NOISE)]
        detail = f": {lines[-1]}" if lines else ""
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        raise RenderError(
            f"LMMS could not render the project (exit code {proc.returncode}{tries}){detail}",
            path=named,
            returncode=proc.returncode,
            log=log[-4000:],
        )
    return RenderRun(output, attempts, seconds)


def _run(
    cmd: list[str],
    env: dict[str, str],
    output: Path,
    *,
    timeout: float,
    retries: int,
    named: str | os.PathLike[str],
) -> tuple[subprocess.CompletedProcess[bytes], int]:
    """Run LMMS until it is not killed by a signal, at most ``retries`` extra times."""
    attempt = 0
    while True:
        attempt += 1
        output.unlink(missing_ok=True)  # a crashed run may leave a partial file
        try:
            proc = subprocess.run(
                cmd,
                env=env,
                capture_output=True,
                timeout=timeout,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            raise RenderError(
                f"LMMS did not finish rendering within {timeout:g} s", path=named, returncode=None
            ) from None
        if not crashed(proc.returncode) or attempt > retries:
            return proc, attempt
        logger.warning(
            "LMMS crashed rendering %s (exit code %d); rendering again (retry %d of %d)",
            named,
            proc.returncode,
            attempt,
            retries,
        )
