"""``lmms-magenta hardware``: the backends, their devices, the chosen one and why.

Uses the global ``--backend`` (or the configured profile) and the probe cache;
``--refresh`` probes again (after installing a driver or a GPU). Backend plugins that
are broken or disabled are listed with their reason, so "why is my GPU not used?"
has an answer on one screen.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any, TextIO

import click

from ..hardware import HardwareChoice, select_hardware
from ..manifest import ENABLED
from .app import _state
from .listing import print_plain_table, print_rich_table

if TYPE_CHECKING:
    from ..kernel import Kernel

__all__ = ["hardware"]

COLUMNS = ("chosen", "device", "name", "kind", "preference")


def _inactive_backend_plugins(kernel: Kernel) -> list[dict[str, str]]:
    """Backend plugins that are not enabled (broken, disabled) with their reasons."""
    return [
        {"plugin": info.name, "state": info.state, "reason": info.reason}
        for info in kernel.plugins.values()
        if info.kind == "backend" and info.state != ENABLED
    ]


def _print_text(choice: HardwareChoice, inactive: list[dict[str, str]], out: TextIO) -> None:
    out.write(f"profile: {choice.requested}\n")
    d = choice.device
    out.write(f"chosen:  {f'{d.key} ({d.name}, {d.kind})' if d else 'none'}\n")
    out.write(f"reason:  {choice.reason}\n")
    if choice.from_cache:
        out.write("         (from the cached probe; --refresh probes again)\n")
    if choice.devices:
        out.write("\n")
        rows = [
            {**d.to_json(), "device": d.key, "chosen": "*" if d == choice.device else ""}
            for d in choice.devices
        ]
        (print_rich_table if out.isatty() else print_plain_table)(rows, COLUMNS, out)
    out.write("\nbackends:\n")
    for report in choice.backends:
        status = report.problem or f"{report.devices} device(s)"
        out.write(f"  {report.name} (plugin {report.plugin}): {status}\n")
    for plugin in inactive:
        out.write(f"  plugin {plugin['plugin']}: {plugin['state']}: {plugin['reason']}\n")
    if not choice.backends and not inactive:
        out.write("  none installed (pip install lmms-magenta-backend-cpu)\n")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--refresh", is_flag=True, help="Ignore the cached probe and probe again.")
@click.pass_context
def hardware(ctx: click.Context, as_json: bool, refresh: bool) -> None:
    """List accelerator backends and devices, and which one the models run on.

    The choice follows the hardware profile: --backend (before the command),
    LMMS_MAGENTA_BACKEND, or `backend` under [hardware] in config.toml; "auto" takes
    the device with the highest preference. A missing or failing pinned backend falls
    back to the CPU, and the reason is shown.
    """
    kernel = _state(ctx).kernel()
    choice = select_hardware(kernel, refresh=refresh)
    reported = {r.plugin for r in choice.backends}
    inactive = [p for p in _inactive_backend_plugins(kernel) if p["plugin"] not in reported]
    if as_json:
        doc: dict[str, Any] = {**choice.to_json(), "inactive_plugins": inactive}
        click.echo(json.dumps(doc, indent=2))
    else:
        _print_text(choice, inactive, sys.stdout)
