"""Progress of the demo: one line per stage, saying what it made and how long it took.

:class:`Progress` is the quiet reporter (stage lines go to the ``lmms_magenta.demo``
logger at INFO level: the ``generate.song`` feature from Python prints nothing);
:class:`ConsoleProgress` shows a spinner with what is being done while a stage runs,
then its line, through rich (``lmms-magenta demo``)::

    ✓ plan       A minor, 96 bpm, funk; 8 bars, seed 1              0.0 s
    ✓ drums      generate.drums: beat and fill, funk                 1.2 s
    - render     skipped: ...
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["ConsoleProgress", "Progress", "Stage"]

logger = logging.getLogger("lmms_magenta.demo")


class Stage:
    """What one running stage reports: a summary line, or why it was skipped."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.summary = ""
        self.skipped = False

    def done(self, summary: str) -> None:
        """Say what the stage made (shown after the stage name)."""
        self.summary = summary

    def skip(self, reason: str) -> None:
        """Mark the stage skipped, saying why."""
        self.summary = f"skipped: {reason}"
        self.skipped = True


class Progress:
    """Reports stages to the ``lmms_magenta.demo`` logger (silent by default)."""

    def __init__(self) -> None:
        #: (stage name, summary, seconds, skipped) of every finished stage, in order
        self.finished: list[tuple[str, str, float, bool]] = []

    @contextmanager
    def stage(self, name: str, doing: str) -> Iterator[Stage]:
        """Run one stage: ``doing`` says what happens meanwhile (``"generating drums"``)."""
        stage = Stage(name)
        start = time.perf_counter()
        with self._running(doing):
            try:
                yield stage
            except BaseException:
                self._failed(name, time.perf_counter() - start)
                raise
        seconds = time.perf_counter() - start
        self.finished.append((name, stage.summary, seconds, stage.skipped))
        self._show(stage, seconds)

    @contextmanager
    def _running(self, doing: str) -> Iterator[None]:
        yield

    def _show(self, stage: Stage, seconds: float) -> None:
        logger.info("%s: %s (%.1f s)", stage.name, stage.summary, seconds)

    def _failed(self, name: str, seconds: float) -> None:
        logger.info("%s: failed after %.1f s", name, seconds)

    @property
    def seconds(self) -> float:
        """Total time of the finished stages."""
        return sum(s for _, _, s, _ in self.finished)


class ConsoleProgress(Progress):
    """Stage lines and a spinner on a rich console (stderr by default)."""

    def __init__(self, console: Console | None = None) -> None:
        super().__init__()
        if console is None:
            from rich.console import Console

            console = Console(stderr=True, highlight=False)
        self.console = console

    @contextmanager
    def _running(self, doing: str) -> Iterator[None]:
        with self.console.status(f"{doing} ...", spinner="dots"):
            yield

    def _line(self, mark: str, name: str, text: str, seconds: float) -> None:
        from rich.table import Table

        row = Table.grid(padding=(0, 1), expand=True)
        row.add_column(width=1)
        row.add_column(width=9)
        row.add_column(ratio=1, overflow="fold")
        row.add_column(justify="right", width=7)
        row.add_row(mark, name, text, f"[dim]{seconds:5.1f} s[/]")
        self.console.print(row)

    def _show(self, stage: Stage, seconds: float) -> None:
        mark = "[yellow]-[/]" if stage.skipped else "[green]✓[/]"
        self._line(mark, stage.name, stage.summary, seconds)

    def _failed(self, name: str, seconds: float) -> None:
        self._line("[red]✗[/]", name, "[red]failed[/]", seconds)
