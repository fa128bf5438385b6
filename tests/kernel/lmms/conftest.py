"""Fixtures for the LMMS project tests: rendering with the real LMMS program.

Tests that render are marked ``@pytest.mark.lmms`` and use the :func:`render`
fixture, which skips with a reason when ``lmms`` is not on PATH. Helpers shared by
the test modules live in ``lmms_support.py``.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lmms_support import LMMS, RENDER_TIMEOUT

RenderFn = Callable[..., tuple[Any, int]]


@pytest.fixture(scope="session")
def render(tmp_path_factory: pytest.TempPathFactory) -> RenderFn:
    """``render(project_path, float32=True) -> (samples, rate)`` with the real LMMS.

    Runs ``lmms --allowroot -c <tmp>/lmmsrc.xml render FILE -o OUT -f wav`` headless,
    with a timeout, and reads the WAV with soundfile. Skips when lmms is absent.
    """
    if LMMS is None:
        pytest.skip("the lmms program is not installed (apt-get install lmms); CI runs this")
    sf = pytest.importorskip("soundfile", reason="soundfile is needed to read renders")
    workdir = tmp_path_factory.mktemp("lmms-render")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(workdir))
    counter = iter(range(1_000_000))

    def _render(project: Path, *, float32: bool = True) -> tuple[Any, int]:
        out = workdir / f"render{next(counter)}.wav"
        cmd = [
            LMMS,
            "--allowroot",
            "-c",
            str(workdir / "lmmsrc.xml"),
            "render",
            str(project),
            "-o",
            str(out),
            "-f",
            "wav",
        ]
        if float32:
            cmd.append("-a")
        proc = subprocess.run(
            cmd,
            env=env,
            capture_output=True,
            timeout=RENDER_TIMEOUT,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        if proc.returncode != 0 or not out.exists():
            raise AssertionError(
                f"lmms render of {project} failed ({proc.returncode}): {proc.stderr[-2000:]!r}"
            )
        data, rate = sf.read(out, dtype="float32" if float32 else "int16", always_2d=True)
        return data, rate

    return _render
