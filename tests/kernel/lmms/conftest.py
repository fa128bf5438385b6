"""Fixtures for the LMMS project tests: rendering with the real LMMS program.

Tests that render are marked ``@pytest.mark.lmms`` and use the :func:`render`
fixture, which skips with a reason when ``lmms`` is not on PATH. Helpers shared by
the test modules live in ``lmms_support.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lmms_support import LMMS, RENDER_TIMEOUT

from lmms_magenta.lmms.render import RenderError, render_project

RenderFn = Callable[..., tuple[Any, int]]


@pytest.fixture(scope="session")
def render(tmp_path_factory: pytest.TempPathFactory) -> RenderFn:
    """``render(project_path, float32=True) -> (samples, rate)`` with the real LMMS.

    Runs the kernel's :func:`~lmms_magenta.lmms.render.render_project` (headless,
    private config, timeout, retried when LMMS 1.2 crashes mid-render) and reads the
    WAV with soundfile. Skips when lmms is absent.
    """
    if LMMS is None:
        pytest.skip("the lmms program is not installed (apt-get install lmms); CI runs this")
    sf = pytest.importorskip("soundfile", reason="soundfile is needed to read renders")
    workdir = tmp_path_factory.mktemp("lmms-render")
    counter = iter(range(1_000_000))

    def _render(project: Path, *, float32: bool = True) -> tuple[Any, int]:
        out = workdir / f"render{next(counter)}.wav"
        try:
            render_project(
                project, out, float32=float32, lmms=LMMS, workdir=workdir, timeout=RENDER_TIMEOUT
            )
        except RenderError as err:
            raise AssertionError(f"{err}\n{err.log[-2000:]}") from None
        data, rate = sf.read(out, dtype="float32" if float32 else "int16", always_2d=True)
        return data, rate

    return _render
