"""The ``lmms_render`` fixture: render an LMMS project with the real LMMS program.

A feature that writes into LMMS projects should prove the result plays; this fixture
renders with the kernel's :func:`~lmms_magenta.lmms.render.render_project` (headless,
a private LMMS config, a timeout, and a retry when LMMS 1.2 crashes mid-render, which it
sometimes does on a project it renders fine the next time) and reads the WAV back. It
skips the test, saying why, when the ``lmms`` program or the ``soundfile`` package is
missing, so a suite runs everywhere and renders for real where LMMS is installed.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

__all__ = ["RENDER_TIMEOUT", "RenderFn", "lmms_render"]

#: seconds one render may take (LMMS 1.2 needs a few seconds per demo project)
RENDER_TIMEOUT = 300.0
#: ``render(project, float32=True) -> (samples [frames, channels], sample rate)``
RenderFn = Callable[..., tuple[Any, int]]


@pytest.fixture(scope="session")
def lmms_render(tmp_path_factory: pytest.TempPathFactory) -> RenderFn:
    """``lmms_render(project, float32=True) -> (samples, rate)`` with the real LMMS."""
    program = shutil.which("lmms")
    if program is None:
        pytest.skip("the lmms program is not installed (apt-get install lmms); CI runs this")
    sf = pytest.importorskip("soundfile", reason="soundfile is needed to read renders")
    from ..lmms.render import RenderError, render_project

    workdir = tmp_path_factory.mktemp("lmms-render")
    counter = iter(range(1_000_000))

    def render(project: Path, *, float32: bool = True) -> tuple[Any, int]:
        out = workdir / f"render{next(counter)}.wav"
        try:
            render_project(
                project, out, float32=float32, lmms=program, workdir=workdir, timeout=RENDER_TIMEOUT
            )
        except RenderError as err:
            raise AssertionError(f"{err}\n{err.log[-2000:]}") from None
        data, rate = sf.read(out, dtype="float32" if float32 else "int16", always_2d=True)
        return data, int(rate)

    return render
