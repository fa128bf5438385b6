"""The features ``gain.analyze`` and ``gain.apply``: one code path for Python, CLI and panels.

From Python::

    with Kernel() as kernel:
        result = kernel.feature("gain.apply")(kernel, project="song.mmpz", mode="lufs")

``gain.analyze`` returns a :class:`~.analysis.MixAnalysis`, ``gain.apply`` a
:class:`~.apply.StagingResult` (``saved`` / ``backup`` say where the project went).
The parameters are :data:`.params.ANALYZE` and :data:`.params.APPLY`. The
``lmms-magenta gain`` commands (:mod:`.cli`) call :func:`measure` and
:func:`stage_file` below as the features do; they only add what a terminal needs (many
audio files at once, JSON, charts).

Cheap to import: numpy, scipy and LMMS are touched only when a feature runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lmms_magenta.errors import UserError
from lmms_magenta.features import Feature

from .params import ANALYZE, APPLY, channel_names, target_of

if TYPE_CHECKING:
    from lmms_magenta.dsp import DspKernels
    from lmms_magenta.kernel import Kernel

    from .analysis import MixAnalysis
    from .apply import StagingResult
    from .units import Grouping

__all__ = ["dsp_kernels", "features", "measure", "stage_file"]

logger = logging.getLogger("lmms_magenta.gain")

Note = Callable[[str], None]


def features() -> list[Feature]:
    """The gain features, for ``lmms_magenta_features``."""
    return [
        Feature(
            "gain.analyze",
            "Analyze channel levels",
            "Loudness (EBU R128), true peak and RMS of each channel of an LMMS project "
            "(rendered alone with LMMS) or of an audio file.",
            ANALYZE,
            _analyze,
        ),
        Feature(
            "gain.apply",
            "Stage channel gain",
            "Set each channel's fader so it reaches the target, keep the mix under the "
            "true-peak ceiling, and save the project (keeping a backup).",
            APPLY,
            _apply,
        ),
    ]


def dsp_kernels(kernel: Kernel | None, note: Note = logger.info) -> DspKernels:
    """The hardware profile's DSP kernels (the CPU's without a kernel).

    ``note`` is told when the chosen device has no DSP kernels and another one is used.
    """
    if kernel is None:
        from .measure import default_kernels

        return default_kernels()
    from lmms_magenta.dsp import select_dsp

    choice = select_dsp(kernel)
    if choice.fallback_reason:
        note(choice.reason)
    return choice.kernels


def measure(
    inputs: Sequence[str | Path],
    *,
    by: Grouping = "auto",
    channels: str | None = None,
    kernels: DspKernels | None = None,
    progress: Note = logger.info,
) -> MixAnalysis:
    """Measure one LMMS project (each channel rendered alone) or any number of audio files."""
    from .analysis import analyze_files, analyze_project, is_project

    wanted = channel_names(channels)
    projects = [p for p in inputs if is_project(p)]
    if projects and len(inputs) > 1:
        raise UserError("analyze one project at a time (or any number of audio files)")
    if not projects:
        if wanted:
            raise UserError("choosing channels needs a project (audio files are one channel each)")
        return analyze_files(inputs, kernels=kernels)
    from lmms_magenta.lmms import Project

    from .render import Renderer

    project = Project.load(projects[0])
    with Renderer() as renderer:
        progress(f"rendering {projects[0]} with LMMS, each channel alone ...")
        return analyze_project(project, renderer, by=by, wanted=wanted, kernels=kernels)


def stage_file(
    values: Mapping[str, Any], *, kernels: DspKernels | None = None, progress: Note = logger.info
) -> StagingResult:
    """Stage the project of the validated :data:`.params.APPLY` ``values`` and save it.

    Nothing is written with ``dry_run``; otherwise the project goes to ``output`` (or
    over itself), atomically, keeping the file it replaces as ``.bak``.
    """
    from lmms_magenta.lmms import Project

    from .apply import stage
    from .render import Renderer

    song = Project.load(values["project"])
    with Renderer() as renderer:
        progress(f"rendering {values['project']} with LMMS, each channel alone ...")
        result = stage(
            song,
            renderer,
            mode=values["mode"],
            target=target_of(values),
            wanted=channel_names(values["channels"]),
            by=values["by"],
            preserve_balance=values["preserve_balance"],
            ceiling=values["ceiling"],
            auto=values["auto"],
            tolerance=values["tolerance"],
            kernels=kernels,
        )
        result.lmms_renders = renderer.renders
    if not values["dry_run"]:
        result.saved = Path(values["output"] or values["project"])
        result.backup = song.save(result.saved)
    return result


def _analyze(kernel: Kernel, params: Mapping[str, Any]) -> MixAnalysis:
    return measure(
        [params["input"]],
        by=params["by"],
        channels=params["channels"],
        kernels=dsp_kernels(kernel),
    )


def _apply(kernel: Kernel, params: Mapping[str, Any]) -> StagingResult:
    return stage_file(params, kernels=dsp_kernels(kernel))
