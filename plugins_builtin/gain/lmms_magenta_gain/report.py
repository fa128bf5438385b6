"""Printing analyses and plans as tables (rich) for a musician reading a terminal.

Numbers use one decimal; ``-inf`` means silent, ``n/a`` not measurable (too short),
as in :mod:`.measure`. JSON output does not go through here (``to_json`` methods).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from .analysis import MixAnalysis
    from .apply import StagingResult
    from .measure import Measurement
    from .recommend import Plan

__all__ = ["print_analysis", "print_plan", "print_staging"]

_UNIT = {"rms": "dBFS RMS", "lufs": "LUFS"}


def _num(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "n/a"
    if value == -math.inf:
        return "-inf"
    return f"{value:+.1f}" if signed else f"{value:.1f}"


def _row(name: str, m: Measurement) -> list[str]:
    return [
        name,
        _num(m.integrated),
        _num(m.loudness_range),
        _num(m.momentary_max),
        _num(m.short_term_max),
        _num(m.true_peak, signed=True),
        _num(m.sample_peak, signed=True),
        _num(m.rms),
        _num(m.rms_active),
    ]


def print_analysis(
    console: Console, analysis: MixAnalysis, *, mode: str = "rms", target: float | None = None
) -> None:
    """The loudness table: one row per channel, the mix last, then notes."""
    from rich.table import Table

    where = "before the master" if analysis.mix is not None else ""
    table = Table(title=f"{analysis.source}" + (f"  (channels {where})" if where else ""))
    headers = [
        ("Channel", "left"),
        ("Integrated\nLUFS", "right"),
        ("LRA\nLU", "right"),
        ("Max M\nLUFS", "right"),
        ("Max S\nLUFS", "right"),
        ("True peak\ndBTP", "right"),
        ("Sample pk\ndBFS", "right"),
        ("RMS\ndBFS", "right"),
        ("RMS playing\ndBFS", "right"),
    ]
    if target is not None:
        headers.append((f"To {target:g}\n{_UNIT[mode]}", "right"))
    for title, justify in headers:
        table.add_column(title, justify=justify)  # type: ignore[arg-type]
    for result in analysis.channels:
        row = _row(result.name, result.measurement)
        if target is not None:
            level = result.measurement.level(mode)
            ok = level is not None and math.isfinite(level)
            row.append(_num(target - level, signed=True) if ok and level is not None else "")
        table.add_row(*row)
    if analysis.mix is not None:
        table.add_section()
        row = _row("Mix (after master)", analysis.mix)
        table.add_row(*(row + ([""] if target is not None else [])), style="bold")
    console.print(table)
    for note in analysis.notes:
        console.print(f"note: {note}")
    for result in analysis.channels:
        for note in result.measurement.notes:
            if note != "silent":  # already said in the analysis notes
                console.print(f"note: {result.name}: {note}")


def print_plan(console: Console, plan: Plan) -> None:
    """The recommendation table and, below it, each reason in words."""
    from rich.table import Table

    unit = _UNIT[plan.mode]
    how = "one common offset (balance kept)" if plan.preserve_balance else "each channel"
    table = Table(title=f"Gain staging to {plan.target:g} {unit}, {how}")
    for title in ("Channel", f"Now\n{unit}", f"Target\n{unit}", "Change\ndB", "Fader\ndB"):
        table.add_column(title, justify="left" if title == "Channel" else "right")
    table.add_column("", justify="left")
    for item in plan.channels:
        faders = f"{_num(_db(item.fader_before), True)} -> {_num(_db(item.fader_after), True)}"
        status = "" if item.reachable else "[yellow]not reachable[/]"
        if item.change_db == 0 and item.reachable:
            status = "ok"
        table.add_row(
            item.name,
            _num(item.level),
            _num(item.target),
            _num(item.change_db, signed=True),
            faders,
            status,
        )
    table.add_section()
    master = f"{_num(_db(plan.master_before), True)} -> {_num(_db(plan.master_after), True)}"
    table.add_row("Master", "", "", _num(plan.master_change_db, True), master, "", style="bold")
    console.print(table)
    for item in plan.channels:
        console.print(f"- {item.name}: {item.reason}")
    console.print(f"- Master: {plan.master_reason}")


def print_staging(console: Console, result: StagingResult) -> None:
    """A plan, then what the verification passes of ``--auto`` found."""
    print_plan(console, result.plan)
    if result.converged is None:
        return
    names = {r.channel.key: r.name for r in result.analysis.channels if r.channel}
    for check in result.passes:
        worst = max((abs(e) for e in check.errors.values()), default=0.0)
        action = "corrected" if check.corrected else "kept"
        console.print(f"verification pass {check.number}: largest error {worst:.2f} dB, {action}")
        for key, error in check.errors.items():
            console.print(f"    {names.get(key, key)}: {error:+.2f} dB from its target")
    verdict = "every channel is on target" if result.converged else "[yellow]not converged[/]"
    stuck = [p.name for p in result.plan.channels if not p.reachable]
    if result.converged and stuck:
        verdict = f"every reachable channel is on target (not: {', '.join(stuck)})"
    console.print(f"result: {verdict}; the mix peaks at {_num(result.peak_final, True)} dBTP")
    for note in result.notes:
        console.print(f"note: {note}")


def _db(gain: float) -> float:
    return 20.0 * math.log10(gain) if gain > 0 else -math.inf
