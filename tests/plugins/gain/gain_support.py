"""Helpers for the gain tests that use the real LMMS: the demo project, an independent render.

:func:`render_with_lmms` deliberately does not use the plugin's :class:`Renderer`: the
tests verify the plugin's results with their own LMMS call (same command line as the
kernel's LMMS tests). Tests needing LMMS are marked ``@pytest.mark.lmms`` and skip with a
reason when the program or the demo projects are missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

LMMS = shutil.which("lmms")
PROJECTS_DIR = Path(os.environ.get("LMMS_PROJECTS", "/usr/share/lmms/projects"))
#: Small demo with six mixer channels plus a track that plays straight into the master;
#: renders in ~1.7 s, identically run to run.
DEMO = PROJECTS_DIR / "demos" / "CapDan" / "CapDan-ReggaeTry.mmpz"


def needs_lmms() -> None:
    if LMMS is None:
        pytest.skip("the lmms program is not installed (apt-get install lmms); CI runs this")


def demo_project() -> Path:
    needs_lmms()
    if not DEMO.exists():
        pytest.skip(f"LMMS demo project {DEMO} not found (set LMMS_PROJECTS)")
    return DEMO


def render_with_lmms(project: Path, workdir: Path) -> tuple[np.ndarray, int]:
    """``(samples [channels, n] float64, rate)``: a 32-bit float render, retried on a crash."""
    import soundfile as sf

    needs_lmms()
    assert LMMS is not None
    out = workdir / (project.stem + ".wav")
    cmd = [LMMS, "--allowroot", "-c", str(workdir / "lmmsrc.xml"), "render", str(project)]
    cmd += ["-o", str(out), "-f", "wav", "-a"]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(workdir))
    for _ in range(3):  # LMMS 1.2 now and then segfaults mid-render; a retry succeeds
        proc = subprocess.run(
            cmd, env=env, capture_output=True, timeout=300, check=False, stdin=subprocess.DEVNULL
        )
        if proc.returncode >= 0:
            break
    assert proc.returncode == 0 and out.exists(), proc.stderr[-2000:]
    data, rate = sf.read(out, dtype="float64", always_2d=True)
    return np.ascontiguousarray(data.T), rate
