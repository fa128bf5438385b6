"""The ``lmms-magenta`` command line: entry point, error reporting, fast path.

:func:`main` is the console script. It maps errors to exit codes so that no user
ever sees a traceback unless they ask for one with ``--debug``:

- :class:`~lmms_magenta.errors.UserError` -> ``lmms-magenta: error: <message>``, exit 2
- a usage error (unknown option or command) -> one line with a hint, exit 2
- anything else -> ``lmms-magenta: internal error: ...``, exit 1

The click application lives in :mod:`lmms_magenta.cli.app` and is imported only when
needed: ``plugins list`` (with or without ``--json``) is answered here without click,
because importing click alone costs more than starting Python and the listing must
stay within ~3x of ``python -c pass`` (benchmarks/discovery.py). The click command
of the same name prints through the same function, so both give identical output.
"""

from __future__ import annotations

import sys

from ..errors import UserError

TYPE_CHECKING = False  # avoids importing typing (~4 ms); mypy understands the name
if TYPE_CHECKING:
    from collections.abc import Sequence

PROG = "lmms-magenta"
_FAST_LIST = (["plugins", "list"], ["plugins", "list", "--json"])


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI with ``argv`` (default ``sys.argv[1:]``); returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        if args in _FAST_LIST:
            return _fast_list(as_json=args[-1] == "--json")
        from .app import run

        return run(args)
    except UserError as exc:
        _report(f"error: {exc}", debug)
        return exc.exit_code
    except KeyboardInterrupt:
        _report("interrupted", debug)
        return 130
    except BrokenPipeError:  # `lmms-magenta plugins list | head`
        _silence_stdout()
        return 0
    except Exception as exc:
        text = str(exc).strip().splitlines()
        detail = f": {text[0]}" if text else ""
        _report(
            f"internal error: {type(exc).__name__}{detail} (run with --debug for the traceback)",
            debug,
        )
        return 1


def error_line(message: str) -> str:
    """The one-line form of an error message (``lmms-magenta: <message>``)."""
    return f"{PROG}: " + " ".join(message.split())


def _report(message: str, debug: bool) -> None:
    if debug:
        import traceback

        traceback.print_exc(file=sys.stderr)
    print(error_line(message), file=sys.stderr)


def _silence_stdout() -> None:
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _fast_list(*, as_json: bool) -> int:
    from ..kernel import Kernel
    from .listing import print_plugin_list

    print_plugin_list(Kernel(), as_json=as_json)
    return 0
