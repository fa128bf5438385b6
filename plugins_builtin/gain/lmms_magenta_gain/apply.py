"""Applying gain recommendations to a project, optionally verified by re-rendering.

:func:`stage` analyzes the project (solo renders with LMMS), plans the fader changes
(:mod:`.recommend`) and writes them into the project's XML. With ``auto`` it then
re-renders and re-measures the staged channels and corrects what is still off, until
every reachable channel is within ``tolerance`` dB of its target or ``max_passes``
verification passes are used up. Targets stay fixed across passes (with
``preserve_balance`` they are each channel's level plus the common offset). LMMS
faders act linearly, so one correction normally lands; effects that react to level
(compressors, distortion) are why passes exist at all.

Saving is left to the caller (:meth:`Project.save` writes atomically and keeps a
``.bak`` of the file it replaces).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import units
from .analysis import MixAnalysis, analyze_project
from .params import DEFAULT_CEILING, DEFAULT_TOLERANCE
from .recommend import Plan, master_for_headroom, recommend

if TYPE_CHECKING:
    from lmms_magenta.dsp import DspKernels
    from lmms_magenta.lmms import Project

    from .render import Renderer

__all__ = ["DEFAULT_TOLERANCE", "MAX_PASSES", "Pass", "StagingResult", "apply_plan", "stage"]

MAX_PASSES = 4


@dataclass(frozen=True)
class Pass:
    """One verification pass: each staged channel's re-measured level and its error."""

    number: int
    levels: dict[str, float | None]
    errors: dict[str, float]  # target - level, dB (channels with a reachable target)
    corrected: bool  # whether this pass changed faders again

    def to_json(self) -> dict[str, Any]:
        return {
            "pass": self.number,
            "levels": {
                k: (round(v, 3) if v is not None and math.isfinite(v) else None)
                for k, v in self.levels.items()
            },
            "errors_db": {k: round(v, 3) for k, v in self.errors.items()},
            "corrected": self.corrected,
        }


@dataclass
class StagingResult:
    """What :func:`stage` did: the plan, the verification passes, the final state."""

    plan: Plan
    analysis: MixAnalysis
    passes: list[Pass] = field(default_factory=list)
    final: MixAnalysis | None = None
    converged: bool | None = None  # None without auto
    master_final: float = 1.0
    peak_final: float | None = None  # dBTP of the final mix (auto) or predicted
    notes: list[str] = field(default_factory=list)
    saved: Path | None = None  # where the staged project was written (None: dry run)
    backup: Path | None = None  # the replaced file, kept
    lmms_renders: int = 0  # how many times LMMS ran

    def to_json(self) -> dict[str, Any]:
        return {
            "plan": self.plan.to_json(),
            "analysis": self.analysis.to_json(),
            "auto": None
            if self.converged is None
            else {
                "converged": self.converged,
                "passes": [p.to_json() for p in self.passes],
                "final": self.final.to_json() if self.final is not None else None,
            },
            "master_final": round(self.master_final, 6),
            "peak_final_dbtp": (
                round(self.peak_final, 3)
                if self.peak_final is not None and math.isfinite(self.peak_final)
                else None
            ),
            "notes": list(self.notes),
            "saved": str(self.saved) if self.saved is not None else None,
            "backup": str(self.backup) if self.backup is not None else None,
            "lmms_renders": self.lmms_renders,
        }


def _channel(found: list[units.Channel], key: str) -> units.Channel:
    return next(ch for ch in found if ch.key == key)


def apply_plan(project: Project, plan: Plan, found: list[units.Channel]) -> int:
    """Write the plan's faders into ``project``; returns how many faders moved."""
    moved = 0
    for item in plan.channels:
        if item.fader_after != item.fader_before:
            units.set_fader(project, _channel(found, item.key), item.fader_after)
            moved += 1
    if plan.master_after != plan.master_before:
        units.set_master_fader(project, plan.master_after)
        moved += 1
    return moved


def stage(
    project: Project,
    renderer: Renderer,
    *,
    mode: str = "rms",
    target: float | None = None,
    wanted: list[str] | None = None,
    by: units.Grouping = "auto",
    preserve_balance: bool = False,
    ceiling: float = DEFAULT_CEILING,
    auto: bool = False,
    tolerance: float = DEFAULT_TOLERANCE,
    max_passes: int = MAX_PASSES,
    kernels: DspKernels | None = None,
) -> StagingResult:
    """Analyze, plan and apply (in memory) the gain changes for ``project``."""
    found = units.channels(project, by)
    analysis = analyze_project(project, renderer, by=by, wanted=wanted, kernels=kernels)
    options: dict[str, Any] = dict(mode=mode, target=target, ceiling=ceiling, kernels=kernels)
    plan = recommend(
        analysis,
        preserve_balance=preserve_balance,
        master_fader=units.master_fader(project),
        **options,
    )
    apply_plan(project, plan, found)
    result = StagingResult(plan=plan, analysis=analysis, master_final=plan.master_after)
    result.peak_final = plan.peak_predicted
    if plan.peak_predicted is not None and plan.master_after != plan.master_before:
        result.peak_final = plan.peak_predicted + plan.master_change_db
    if not auto:
        return result
    goals = {p.key: p.target for p in plan.channels if p.reachable and p.target is not None}
    keys = [p.key for p in plan.channels]
    result.converged = False
    for number in range(1, max_passes + 1):
        current = analyze_project(project, renderer, by=by, wanted=keys, kernels=kernels)
        result.final = current
        levels = {r.channel.key: r.measurement.level(mode) for r in current.channels if r.channel}
        errors = {
            key: goal - level
            for key, goal in goals.items()
            if (level := levels.get(key)) is not None and math.isfinite(level)
        }
        done = len(errors) == len(goals) and all(abs(e) <= tolerance for e in errors.values())
        if done or number == max_passes:
            result.passes.append(Pass(number, levels, errors, corrected=False))
            result.converged = done
            break
        fix = recommend(
            current,
            targets={k: goals[k] for k in errors},
            master_fader=units.master_fader(project),
            **options,
        )
        apply_plan(project, fix, found)
        result.passes.append(Pass(number, levels, errors, corrected=True))
    final = result.final
    assert final is not None and final.mix is not None
    master = units.master_fader(project)
    after, reason = master_for_headroom(master, final.mix.true_peak, ceiling)
    if after != master:  # headroom of the verified mix; channel levels do not depend on it
        units.set_master_fader(project, after)
        result.notes.append(f"after verification, {reason}")
    result.master_final = after
    peak = final.mix.true_peak
    if peak is not None and master > 0 and after > 0:
        peak += 20.0 * math.log10(after / master)
    result.peak_final = peak
    if not result.converged:
        off = [k for k in goals if abs(errors.get(k, math.inf)) > tolerance]
        names = ", ".join(r.name for r in analysis.channels if r.channel and r.channel.key in off)
        result.notes.append(
            f"not within {tolerance} dB after {max_passes} passes: {names} "
            "(effects that react to level, such as compressors, can cause this)"
        )
    return result
