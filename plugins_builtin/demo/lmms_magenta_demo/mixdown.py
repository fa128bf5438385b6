"""Gain staging, the WAV render and its loudness: the steps that need the LMMS program.

Gain staging is the gain plugin's ``gain.apply`` feature (each mixer channel rendered
alone with LMMS, measured, its fader set to the RMS target, the master kept under the
true-peak ceiling), called through the kernel. The WAV is rendered with the kernel's
LMMS runner into a work folder and moved into place, so a failed render never leaves
half a file. Its loudness is the gain plugin's ``gain.analyze`` feature on that WAV
(EBU R128 integrated loudness, loudness range, true peak).

Without LMMS none of this can run; :func:`lmms_missing` says why, in words the demo
prints instead of the step.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lmms_magenta.lmms.render import LmmsNotFoundError, find_lmms, render_project

if TYPE_CHECKING:
    from lmms_magenta.kernel import Kernel

__all__ = ["GainChange", "Loudness", "lmms_missing", "loudness", "render_wav", "stage_gain"]


def lmms_missing() -> str:
    """Why LMMS cannot run here ("" when it is installed)."""
    try:
        find_lmms()
    except LmmsNotFoundError as err:
        return str(err)
    return ""


@dataclass(frozen=True)
class GainChange:
    """One fader the gain feature moved (or left), in dB."""

    channel: str
    change_db: float


def stage_gain(kernel: Kernel, project: Path) -> tuple[list[GainChange], float]:
    """Run ``gain.apply`` on ``project`` in place (default RMS target, -1 dBTP ceiling).

    Returns each channel's fader change and the master change in dB.
    """
    result: Any = kernel.feature("gain.apply")(kernel, project=project)
    plan = result.plan
    changes = [GainChange(c.name, float(c.change_db)) for c in plan.channels]
    return changes, float(plan.master_change_db)


def render_wav(project: Path, target: Path, workdir: Path) -> float:
    """Render ``project`` to the 16-bit WAV ``target`` (atomically); returns the seconds."""
    partial = workdir / target.name
    run = render_project(project, partial, workdir=workdir, source=project)
    os.replace(partial, target)
    return run.seconds


@dataclass(frozen=True)
class Loudness:
    """The song's loudness as a mastering engineer states it."""

    integrated: float | None  # LUFS
    true_peak: float | None  # dBTP
    loudness_range: float | None  # LU
    duration: float  # seconds

    def __str__(self) -> str:
        def fmt(value: float | None, unit: str) -> str:
            if value is None:
                return "not measurable"
            return f"{value:.1f} {unit}" if math.isfinite(value) else f"silent ({unit})"

        return (
            f"{fmt(self.integrated, 'LUFS')} integrated, true peak "
            f"{fmt(self.true_peak, 'dBTP')}, loudness range {fmt(self.loudness_range, 'LU')}"
        )


def loudness(kernel: Kernel, wav: Path) -> Loudness:
    """Measure the WAV with ``gain.analyze``."""
    analysis: Any = kernel.feature("gain.analyze")(kernel, input=wav)
    m = analysis.channels[0].measurement
    return Loudness(m.integrated, m.true_peak, m.loudness_range, float(m.duration))
