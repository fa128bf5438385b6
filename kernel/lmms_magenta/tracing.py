"""Hook-call tracing (``--trace`` / ``LMMS_MAGENTA_TRACE=1``).

Every hook call is printed to stderr as one line::

    lmms-magenta: trace: lmms_magenta_features [groove] 0.84 ms

Calls the kernel makes plugin by plugin (:meth:`Kernel.call`) are timed per plugin;
calls made through ``kernel.hook.<name>(...)`` (pluggy's own path) are timed with
pluggy's ``add_hookcall_monitoring`` and list every plugin that implemented the hook.
Discovery and plugin imports are traced the same way, which is what one needs to
find the plugin that makes start-up slow.
"""

from __future__ import annotations

import sys
import time

TYPE_CHECKING = False  # avoids importing typing (~4 ms); mypy understands the name
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any, TextIO

    import pluggy

PREFIX = "lmms-magenta: trace:"


class Tracer:
    """Prints trace lines to ``stream`` (stderr by default, looked up at each line)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream
        self._starts: list[float] = []

    @staticmethod
    def now() -> float:
        """A monotonic timestamp for :meth:`done`."""
        return time.perf_counter()

    def done(self, what: str, who: str, started: float) -> None:
        """Print one line for an operation that began at ``started`` (from :meth:`now`)."""
        ms = (time.perf_counter() - started) * 1000.0
        stream = self._stream or sys.stderr
        print(f"{PREFIX} {what} [{who}] {ms:.2f} ms", file=stream, flush=True)

    def monitor(self, pm: pluggy.PluginManager) -> None:
        """Trace every call made through ``pm.hook`` (pluggy's monitoring API)."""

        def before(
            hook_name: str, hook_impls: Sequence[pluggy.HookImpl], kwargs: Mapping[str, Any]
        ) -> None:
            self._starts.append(time.perf_counter())

        def after(
            outcome: Any,
            hook_name: str,
            hook_impls: Sequence[pluggy.HookImpl],
            kwargs: Mapping[str, Any],
        ) -> None:
            started = self._starts.pop() if self._starts else time.perf_counter()
            who = ",".join(impl.plugin_name for impl in hook_impls) or "-"
            self.done(hook_name, who, started)

        pm.add_hookcall_monitoring(before, after)
