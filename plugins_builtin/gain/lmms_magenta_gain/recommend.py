"""Gain recommendations: a fader change per channel toward a target, and master headroom.

Modes (what "level" means):

``rms``
    classic gain staging: the channel's RMS while it plays (dBFS, :mod:`.measure`),
    default target -18 dBFS - the digital level that analog-style gear and plugins
    are calibrated to (0 VU), leaving ~18 dB for peaks;
``lufs``
    the channel's integrated loudness (BS.1770), default target -23 LUFS.

Each channel gets ``target - level`` dB, or with ``preserve_balance`` one common
offset for all selected channels (the loudest lands on the target, the others keep
their distance to it). A fader cannot go above +6.02 dB (LMMS 1.2's maximum), a
silent channel or one whose volume is automated is left alone - each with the reason
in words.

Headroom: the mix after the changes is *predicted* exactly from the solo renders
(LMMS faders act linearly): ``mix + sum((g - 1) * solo)``. When its true peak would
exceed the ceiling (default -1 dBTP, EBU R128), the master fader comes down so that it
peaks ``MARGIN`` dB below the ceiling. Channel levels are measured before the master
(:mod:`.analysis`), so moving the master does not undo the channel targets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .params import DEFAULT_CEILING, DEFAULT_TARGETS, MODES
from .units import MAX_FADER

if TYPE_CHECKING:
    from lmms_magenta.dsp import DspKernels

    from .analysis import ChannelResult, MixAnalysis

__all__ = [
    "DEFAULT_CEILING",
    "DEFAULT_TARGETS",
    "MARGIN",
    "MODES",
    "ChannelPlan",
    "Plan",
    "db",
    "master_for_headroom",
    "recommend",
]

#: the master aims this far below the ceiling (true-peak estimates and effects vary)
MARGIN = 0.2
#: changes smaller than this are not worth a fader move
NEGLIGIBLE_DB = 0.05
_UNITS = {"rms": "dBFS RMS", "lufs": "LUFS"}


def db(gain: float) -> float:
    """Linear gain in dB (``-inf`` for 0)."""
    return 20.0 * math.log10(gain) if gain > 0 else -math.inf


def _fmt(value: float) -> str:
    return f"{value:+.1f} dB"


@dataclass(frozen=True)
class ChannelPlan:
    """What to do with one channel's fader, and why."""

    key: str
    name: str
    level: float | None  # now, in the mode's unit (before the master)
    target: float | None
    change_db: float  # the fader change actually planned (0 when left alone)
    fader_before: float
    fader_after: float
    reachable: bool
    reason: str

    @property
    def expected(self) -> float | None:
        """The level expected after the change."""
        return None if self.level is None else self.level + self.change_db

    def to_json(self) -> dict[str, Any]:
        def num(v: float | None) -> float | None:
            return None if v is None or not math.isfinite(v) else round(v, 3)

        return {
            "key": self.key,
            "name": self.name,
            "level": num(self.level),
            "target": num(self.target),
            "change_db": round(self.change_db, 3),
            "fader_before": round(self.fader_before, 6),
            "fader_after": round(self.fader_after, 6),
            "reachable": self.reachable,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Plan:
    """Recommendations for a mix: channel faders, then the master."""

    mode: str
    target: float
    preserve_balance: bool
    ceiling: float
    channels: list[ChannelPlan]
    master_before: float
    master_after: float
    peak_before: float | None  # mix true peak now (dBTP)
    peak_predicted: float | None  # after the channel changes, before the master change
    master_reason: str
    notes: list[str] = field(default_factory=list)

    @property
    def master_change_db(self) -> float:
        return db(self.master_after) - db(self.master_before) if self.master_before > 0 else 0.0

    def targets(self) -> dict[str, float]:
        """Channel key -> target level (fixed for correction passes)."""
        return {c.key: c.target for c in self.channels if c.target is not None}

    def to_json(self) -> dict[str, Any]:
        def num(v: float | None) -> float | None:
            return None if v is None or not math.isfinite(v) else round(v, 3)

        return {
            "mode": self.mode,
            "unit": _UNITS[self.mode],
            "target": self.target,
            "preserve_balance": self.preserve_balance,
            "ceiling_dbtp": self.ceiling,
            "channels": [c.to_json() for c in self.channels],
            "master": {
                "before": round(self.master_before, 6),
                "after": round(self.master_after, 6),
                "change_db": round(self.master_change_db, 3),
                "peak_before_dbtp": num(self.peak_before),
                "peak_predicted_dbtp": num(self.peak_predicted),
                "reason": self.master_reason,
            },
            "notes": list(self.notes),
        }


def _plan_channel(
    result: ChannelResult,
    mode: str,
    target: float | None,
    change: float | None,
    balance: bool = False,
) -> ChannelPlan:
    """Turn a wanted change (dB) into a fader move within the fader's range, with words."""
    channel = result.channel
    assert channel is not None and result.fader is not None
    fader = result.fader
    level = result.measurement.level(mode)
    unit = _UNITS[mode]

    def keep(reason: str, reachable: bool = False) -> ChannelPlan:
        return ChannelPlan(
            channel.key, result.name, level, target, 0.0, fader, fader, reachable, reason
        )

    if channel.automated:
        return keep("its volume is automated: change the automation curve instead")
    if level is None or level == -math.inf or change is None or target is None:
        return keep("silent (or too short) in this render: nothing to set")
    if fader <= 0:
        return keep("its fader is at zero: raise it first, then run again")
    where = f"at {level:.1f} {unit}"
    if abs(change) < NEGLIGIBLE_DB:
        return keep(f"{where}, already on the {target:.1f} {unit} target", reachable=True)
    wanted = fader * 10.0 ** (change / 20.0)
    after = min(wanted, MAX_FADER)
    applied = db(after) - db(fader)
    direction = "up" if change > 0 else "down"
    if after < wanted:
        reason = (
            f"{where}; needs {_fmt(change)} but the fader stops at {_fmt(db(MAX_FADER))} "
            f"(now {_fmt(db(fader))}): raised {_fmt(applied)}; turn up the instrument "
            "itself (its volume or an amplifier effect) for the rest"
        )
        return ChannelPlan(
            channel.key, result.name, level, target, applied, fader, after, False, reason
        )
    if balance:
        reason = f"{where}; the common offset of {_fmt(change)} keeps the balance"
    else:
        side = "below" if change > 0 else "above"
        reason = f"{where}, {abs(change):.1f} dB {side} the {target:.1f} {unit} target"
    reason += f": fader {direction} {abs(applied):.1f} dB ({_fmt(db(fader))} -> {_fmt(db(after))})"
    return ChannelPlan(channel.key, result.name, level, target, applied, fader, after, True, reason)


def _predict_peak(analysis: MixAnalysis, plans: list[ChannelPlan], kernels: Any) -> float | None:
    """True peak (dBTP) of the mix with the planned fader changes (linear prediction)."""
    from . import truepeak

    if analysis.mix_samples is None:
        return None
    mix = analysis.mix_samples.copy()
    for plan in plans:
        solo = analysis.solos.get(plan.key)
        if solo is not None and plan.fader_before > 0 and plan.fader_after != plan.fader_before:
            mix += (plan.fader_after / plan.fader_before - 1.0) * solo
    if mix.shape[1] == 0:
        return None
    return truepeak.to_db(float(truepeak.true_peak(kernels, mix).max()))


def recommend(
    analysis: MixAnalysis,
    *,
    mode: str = "rms",
    target: float | None = None,
    preserve_balance: bool = False,
    ceiling: float = DEFAULT_CEILING,
    master_fader: float = 1.0,
    targets: dict[str, float] | None = None,
    kernels: DspKernels | None = None,
) -> Plan:
    """Plan fader changes for every analyzed channel and the master.

    ``targets`` (channel key -> level) overrides the per-channel targets (used by the
    correction passes of ``apply --auto``); ``master_fader`` is the master fader now.
    """
    from .measure import default_kernels

    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r} (rms or lufs)")
    goal = DEFAULT_TARGETS[mode] if target is None else target
    kernels = kernels if kernels is not None else default_kernels()
    levels = {
        r.channel.key: r.measurement.level(mode)
        for r in analysis.channels
        if r.channel is not None and not r.channel.automated
    }
    usable = {k: v for k, v in levels.items() if v is not None and math.isfinite(v)}
    balance = preserve_balance and targets is None
    if targets is None:
        if preserve_balance and usable:
            offset = goal - max(usable.values())
            targets = {k: v + offset for k, v in usable.items()}
        else:
            targets = dict.fromkeys(usable, goal)
    plans = []
    for result in analysis.channels:
        key = result.channel.key if result.channel is not None else ""
        want = targets.get(key)
        level = usable.get(key)
        change = None if want is None or level is None else want - level
        plans.append(_plan_channel(result, mode, want, change, balance))
    before = analysis.mix.true_peak if analysis.mix is not None else None
    predicted = _predict_peak(analysis, plans, kernels)
    master_after, reason = master_for_headroom(master_fader, predicted, ceiling)
    return Plan(
        mode=mode,
        target=goal,
        preserve_balance=preserve_balance,
        ceiling=ceiling,
        channels=plans,
        master_before=master_fader,
        master_after=master_after,
        peak_before=before,
        peak_predicted=predicted,
        master_reason=reason,
        notes=list(analysis.notes),
    )


def master_for_headroom(fader: float, peak: float | None, ceiling: float) -> tuple[float, str]:
    """The master fader for headroom, and the sentence explaining it."""
    if peak is None or peak == -math.inf:
        return fader, "the mix is silent: the master stays"
    if peak <= ceiling:
        return fader, (
            f"the mix peaks at {peak:.1f} dBTP, {ceiling - peak:.1f} dB under the "
            f"{ceiling:.1f} dBTP ceiling: the master stays"
        )
    change = ceiling - MARGIN - peak
    after = fader * 10.0 ** (change / 20.0)
    return after, (
        f"the mix would peak at {peak:+.1f} dBTP, over the {ceiling:.1f} dBTP ceiling: "
        f"master fader down {-change:.1f} dB ({_fmt(db(fader))} -> {_fmt(db(after))}) "
        f"so it peaks at {ceiling - MARGIN:.1f} dBTP"
    )
