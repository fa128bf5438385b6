"""Rendering projects with the real LMMS for measuring: 32-bit float, cached by content.

Every render goes through the kernel's runner
(:func:`lmms_magenta.lmms.render.render_project`: headless, private config, timeout,
retried when LMMS 1.2 crashes mid-render) with ``-a``, 32-bit float samples, so
levels above 0 dBFS are measured as they are, not clipped. Measured facts behind this
design (FACTS.md): stems from ``rendertracks`` come out ~19 frames late and the first
float stem can start with garbage, while a render of the whole project with every
other track muted is sample-exact - but shorter, so callers align lengths
(:func:`align`).

A :class:`Renderer` caches renders by the bytes of the project it was given, for the
life of the renderer (one command run): re-rendering an unchanged solo project during
``gain apply --auto`` costs nothing.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lmms_magenta.lmms.render import DEFAULT_TIMEOUT, LmmsNotFoundError, find_lmms, render_project

if TYPE_CHECKING:
    from collections.abc import Sequence

    import numpy as np

    from lmms_magenta.lmms import Project

    FloatArray = np.ndarray[Any, np.dtype[np.float64]]

__all__ = ["DEFAULT_RATE", "Renderer", "align"]

DEFAULT_RATE = 44100


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
        self, *, rate: int = DEFAULT_RATE, lmms: str | None = None, timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        self.rate = rate
        try:
            self.lmms = lmms or find_lmms()
        except LmmsNotFoundError as err:
            raise LmmsNotFoundError(f"{err}; audio files can be analyzed without it") from None
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
        try:
            run = render_project(
                song,
                out,
                float32=True,
                rate=self.rate,
                lmms=self.lmms,
                workdir=self._dir,
                timeout=self.timeout,
                source=source,
            )
        finally:
            song.unlink(missing_ok=True)
        self.renders += run.attempts
        self.seconds += run.seconds
        try:
            return read_audio(out)
        finally:
            out.unlink(missing_ok=True)
