"""What the benchmark scripts share: timing, the machine line, tables, README sections.

Every script in benchmarks/ times warm calls the same way, says on what machine it ran
the same way, prints its figures as a Markdown table (pasted into, or written to,
benchmarks/README.md) and runs the kernel in folders of its own, so those pieces live
here once. Imported by the scripts as ``common`` (``python benchmarks/x.py`` puts this
folder first on ``sys.path``). Nothing heavy is imported at module level.
"""

from __future__ import annotations

import io
import os
import platform
import re
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lmms_magenta.kernel import Kernel

__all__ = [
    "README",
    "goal_table",
    "interleaved",
    "isolated_kernel",
    "kernel_folders_env",
    "machine",
    "once",
    "table",
    "timed",
    "write_readme_section",
]

README = Path(__file__).resolve().parent / "README.md"


# --- timing ---------------------------------------------------------------------------


def once(
    fn: Callable[[], Any], clock: Callable[[], float] = time.perf_counter
) -> tuple[float, Any]:
    """Seconds (by ``clock``) of one call of ``fn``, and its result."""
    start = clock()
    result = fn()
    return clock() - start, result


def timed(
    fn: Callable[[], Any], runs: int, clock: Callable[[], float] = time.perf_counter
) -> tuple[list[float], Any]:
    """Seconds of ``runs`` calls of ``fn`` after one untimed warm-up call, and the last
    result. ``clock`` is wall time by default; ``time.process_time`` gives CPU time."""
    result = fn()
    times = []
    for _ in range(runs):
        seconds, result = once(fn, clock)
        times.append(seconds)
    return times, result


def interleaved(
    calls: dict[str, Callable[[], object]], total: int, block: int = 50, warmup: int = 200
) -> dict[str, tuple[float, float]]:
    """(median, p90) in microseconds of each call, timed in interleaved blocks.

    Alternating blocks of ``block`` calls spreads the shared machine's load changes
    over all alternatives instead of penalizing whichever ran during a busy moment.
    Each call runs ``warmup`` times untimed first, then ``total // block`` blocks (at
    least one) of ``block`` timed calls.
    """
    for call in calls.values():
        for _ in range(warmup):
            call()
    times: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(max(1, total // block)):
        for name, call in calls.items():
            record = times[name]
            for _ in range(block):
                start = time.perf_counter()
                call()
                record.append(time.perf_counter() - start)
    out = {}
    for name, record in times.items():
        record.sort()
        out[name] = (statistics.median(record) * 1e6, record[int(len(record) * 0.9)] * 1e6)
    return out


# --- where the figures come from ---------------------------------------------------------


def machine() -> str:
    """``x86_64, 2 cores, load average 3.6, Python 3.11.7``: the machine of this run (the
    load average, of the last minute, says how busy it was)."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, load average {load:.1f}, "
        f"Python {platform.python_version()}"
    )


def kernel_folders_env(home: Path) -> dict[str, str]:
    """The environment giving a kernel its own config/data/cache folders under ``home``."""
    return {
        f"LMMS_MAGENTA_{kind}_DIR": str(home / kind.lower()) for kind in ("CONFIG", "DATA", "CACHE")
    }


def isolated_kernel(
    prefix: str, plugins: Sequence[str], backend: str = "cpu"
) -> tuple[Kernel, Path]:
    """A started kernel with only ``plugins`` enabled, pinned to ``backend``, its folders in
    a fresh temporary folder (returned too, for the run's own files); the user's
    configuration and model store are not touched."""
    from lmms_magenta.config import Config
    from lmms_magenta.kernel import Kernel

    work = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ.update(kernel_folders_env(work))
    kernel = Kernel(Config.load(enable=tuple(plugins), disable=("*",), backend=backend))
    kernel.startup()
    return kernel, work


# --- reporting ------------------------------------------------------------------------------


def table(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A Markdown table of ``rows`` (``|`` in a cell escaped); a column whose name ends in
    ``:`` is right-aligned.

    rich lays the table out (aligned columns, readable in a terminal and valid Markdown);
    its Markdown box has no alignment markers, so the ``:`` of right-aligned columns is
    written into the separator row here.
    """
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    right = [name.endswith(":") for name in columns]
    grid = Table(box=box.MARKDOWN)
    for name, is_right in zip(columns, right, strict=True):
        grid.add_column(Text(name.removesuffix(":")), justify="right" if is_right else "left")
    for row in rows:
        grid.add_row(*(Text(str(cell).replace("|", "\\|")) for cell in row))
    out = io.StringIO()
    Console(file=out, width=10_000, color_system=None, highlight=False).print(grid)
    lines = [line.rstrip() for line in out.getvalue().splitlines() if line.strip()]
    cells = lines[1].strip("|").split("|")
    marked = [c[:-1] + ":" if is_right else c for c, is_right in zip(cells, right, strict=True)]
    lines[1] = "|" + "|".join(marked) + "|"
    return "\n".join(lines)


def goal_table(rows: Sequence[tuple[str, list[float]]], goal_row: str, goal_ms: float) -> str:
    """The table of timed paths (``(label, seconds)`` rows): median (bold) and min in ms,
    and the goal on the row labelled ``goal_row``."""
    import statistics

    cells = [
        (
            label,
            f"**{statistics.median(times) * 1000:.1f} ms**",
            f"{min(times) * 1000:.1f} ms",
            f"<= {goal_ms:.0f} ms" if label == goal_row else "",
        )
        for label, times in rows
    ]
    return table(["path", "median:", "min:", "goal:"], cells)


def write_readme_section(heading: str, section: str) -> None:
    """Replace the section of benchmarks/README.md whose title starts with ``heading``
    (``"## loudness"``) by ``section``, up to the next ``## `` title; append it when the
    README has no such section yet."""
    text = README.read_text(encoding="utf-8") if README.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^{re.escape(heading)}\b.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    README.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
