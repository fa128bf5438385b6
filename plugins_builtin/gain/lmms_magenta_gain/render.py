"""Rendering projects with the real LMMS, headless, in 32-bit float, cached by content.

``lmms render FILE -o OUT.wav -f wav -a`` writes 32-bit float (no clipping: levels
above 0 dBFS are measured as they are). LMMS runs with ``--allowroot`` (needed when
run as root, harmless otherwise), a private ``-c`` config file and ``HOME`` in a
temporary folder, so it never touches the user's settings, and with
``QT_QPA_PLATFORM=offscreen``. Measured facts behind this design (FACTS.md): stems
from ``rendertracks`` come out ~19 frames late and the first float stem can start
with garbage, while a render of the whole project with every other track muted is
sample-exact - but shorter, so callers align lengths (:func:`align`). LMMS 1.2
sometimes crashes mid-render; a crash is retried (:data:`CRASH_RETRIES`).

A :class:`Renderer` caches renders by the bytes of the project it was given, for the
life of the renderer (one command run): re-rendering an unchanged solo project during
``gain apply --auto`` costs nothing.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lmms_magenta.errors import UserError

if TYPE_CHECKING:
    from collections.abc import Sequence

    import numpy as np

    from lmms_magenta.lmms import Project

    FloatArray = np.ndarray[Any, np.dtype[np.float64]]

__all__ = ["DEFAULT_RATE", "Renderer", "align", "find_lmms"]

logger = logging.getLogger("lmms_magenta.gain")

DEFAULT_RATE = 44100
#: LMMS 1.2 now and then dies with a segmentation fault in the middle of a render that
#: succeeds when run again (seen here on CapDan-ReggaeTry, about 1 run in 10), so a
#: crash is retried; a file that always crashes LMMS (malformed XML) fails after this.
CRASH_RETRIES = 2
#: Environment variable naming the LMMS program (default: ``lmms`` on PATH).
LMMS_ENV = "LMMS_MAGENTA_LMMS"


def find_lmms() -> str:
    """Path of the LMMS program, or a UserError saying how to get it."""
    found = shutil.which(os.environ.get(LMMS_ENV, "lmms"))
    if found is None:
        raise UserError(
            "the LMMS program is needed to render a project and was not found on PATH "
            f"(install LMMS, e.g. 'apt-get install lmms', or set {LMMS_ENV}); "
            "WAV files can be analyzed without it"
        )
    return found


def align(renders: Sequence[FloatArray], frames: int | None = None) -> list[FloatArray]:
    """Zero-pad renders at the end to ``frames`` (default: the longest)."""
    import numpy as np

    length = frames if frames is not None else max((r.shape[1] for r in renders), default=0)
    out = []
    for render in renders:
        missing = length - render.shape[1]
        out.append(np.pad(render, ((0, 0), (0, missing))) if missing > 0 else render[:, :length])
    return out


class Renderer:
    """Renders :class:`~lmms_magenta.lmms.Project` objects with LMMS (a context manager)."""

    def __init__(
        self, *, rate: int = DEFAULT_RATE, lmms: str | None = None, timeout: float = 900.0
    ) -> None:
        self.rate = rate
        self.lmms = lmms or find_lmms()
        self.timeout = timeout
        self._dir = Path(tempfile.mkdtemp(prefix="lmms-magenta-gain-"))
        self._cache: dict[str, tuple[FloatArray, float]] = {}
        #: how many times LMMS really ran, and for how long in total (seconds)
        self.renders = 0
        self.seconds = 0.0

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Delete the temporary folder (renders stay cached in memory)."""
        shutil.rmtree(self._dir, ignore_errors=True)

    def render(self, project: Project) -> tuple[FloatArray, float]:
        """``(samples [channels, n] float64, rate)`` of the whole project."""
        data = project.to_bytes(compressed=False)
        key = hashlib.sha256(data + str(self.rate).encode()).hexdigest()
        if key not in self._cache:
            self._cache[key] = self._run(data, key[:16], project.source)
        return self._cache[key]

    def _run(
        self, data: bytes, name: str, source: str | os.PathLike[str] | None
    ) -> tuple[FloatArray, float]:
        from .audio import read_audio

        self._dir.mkdir(parents=True, exist_ok=True)
        song, out = self._dir / f"{name}.mmp", self._dir / f"{name}.wav"
        song.write_bytes(data)
        cmd = [
            self.lmms,
            "--allowroot",
            "-c",
            str(self._dir / "lmmsrc.xml"),
            "render",
            str(song),
            "-o",
            str(out),
            "-f",
            "wav",
            "-a",
            "-s",
            str(self.rate),
        ]
        for _attempt in range(CRASH_RETRIES + 1):
            proc = self._lmms(cmd, source)
            if not _crashed(proc.returncode):
                break
            logger.warning("LMMS crashed (exit code %d); rendering again", proc.returncode)
        song.unlink(missing_ok=True)
        if proc.returncode != 0 or not out.exists():
            lines = proc.stderr.decode(errors="replace").strip().splitlines()
            detail = f": {lines[-1].strip()}" if lines else ""
            raise UserError(
                f"LMMS could not render the project (exit code {proc.returncode}){detail}",
                path=source,
            )
        try:
            return read_audio(out)
        finally:
            out.unlink(missing_ok=True)

    def _lmms(self, cmd: list[str], source: str | os.PathLike[str] | None) -> Any:
        """Run LMMS once (headless, private HOME), counting runs and time."""
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(self._dir))
        start = time.perf_counter()
        try:
            return subprocess.run(
                cmd,
                env=env,
                capture_output=True,
                timeout=self.timeout,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            raise UserError(
                f"LMMS did not finish rendering within {self.timeout:.0f} s", path=source
            ) from None
        finally:
            self.renders += 1
            self.seconds += time.perf_counter() - start


def _crashed(code: int) -> bool:
    """Killed by a signal (a segmentation fault: -11, or 139 through a shell)."""
    return code < 0 or code >= 128
