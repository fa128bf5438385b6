"""Printing the plugin list, shared by the click command and the click-free fast path.

Kept free of click and rich at module level: ``plugins list`` is on the
start-up-time budget. rich is imported only to draw a table on a terminal; piped
output is plain aligned text (and ``--json`` is JSON).
"""

from __future__ import annotations

import json
import sys

TYPE_CHECKING = False  # avoids importing typing (~4 ms); mypy understands the name
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any, TextIO

    from ..kernel import Kernel

COLUMNS = ("name", "version", "kind", "state", "reason")


def plugin_rows(kernel: Kernel) -> list[dict[str, Any]]:
    """One JSON-ready dict per installed plugin, sorted by name."""
    return [info.to_dict() for info in kernel.plugins.values()]


def print_plugin_list(kernel: Kernel, *, as_json: bool, stream: TextIO | None = None) -> None:
    """Print every installed plugin with its state (JSON, rich table or plain text)."""
    out = stream or sys.stdout
    rows = plugin_rows(kernel)
    if as_json:
        out.write(json.dumps(rows, indent=2) + "\n")
        return
    if not rows:
        out.write("no lmms-magenta plugins are installed (pip install lmms-magenta-groove)\n")
        return
    if out.isatty():
        print_rich_table(rows, COLUMNS, out)
    else:
        print_plain_table(rows, COLUMNS, out)


def print_plain_table(rows: Sequence[dict[str, Any]], columns: Sequence[str], out: TextIO) -> None:
    """Left-aligned columns separated by two spaces, header in upper case."""
    table = [[c.upper() for c in columns]] + [[str(r.get(c, "")) for c in columns] for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(columns))]
    for line in table:
        cells = [cell.ljust(width) for cell, width in zip(line, widths, strict=True)]
        out.write("  ".join(cells).rstrip() + "\n")


def print_rich_table(rows: Sequence[dict[str, Any]], columns: Sequence[str], out: TextIO) -> None:
    """The same table drawn by rich (terminals only), states coloured."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    colours = {"enabled": "green", "disabled": "yellow", "broken": "red"}
    table = Table(*[c.capitalize() for c in columns])
    for row in rows:
        cells = [escape(str(row.get(c, ""))) for c in columns]
        if "state" in columns:
            i = list(columns).index("state")
            colour = colours.get(cells[i], "")
            cells[i] = f"[{colour}]{cells[i]}[/]" if colour else cells[i]
        table.add_row(*cells)
    Console(file=out).print(table)
