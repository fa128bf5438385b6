"""Helpers for the gain tests that use the real LMMS: the demo project, an independent render.

:func:`render_with_lmms` deliberately does not use the plugin's :class:`Renderer` (its
solo copies, caching and alignment): the tests verify the plugin's results with a plain
render of the file through the kernel's runner (the one the kernel's LMMS tests use,
retried when LMMS 1.2 crashes mid-render). Tests needing LMMS are marked
``@pytest.mark.lmms`` and skip with a reason when the program or the demo projects are
missing.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from lmms_magenta.lmms.render import render_project

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
    """``(samples [channels, n] float64, rate)``: a 32-bit float render of ``project``."""
    import soundfile as sf

    needs_lmms()
    out = workdir / (project.stem + ".wav")
    render_project(project, out, float32=True, lmms=LMMS, workdir=workdir, timeout=300)
    data, rate = sf.read(out, dtype="float64", always_2d=True)
    return np.ascontiguousarray(data.T), rate
