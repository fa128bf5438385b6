"""``lmms-magenta plugins``: list, inspect, check, enable and disable plugins.

``list`` and ``info`` read only metadata (no plugin is imported); ``check`` imports
and loads every enabled plugin, runs its contribution and life-cycle hooks and exits
with code 2 if any plugin is broken or disabled by a requirement — the tool a
plugin author runs in CI.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

import click

from ..config import set_plugin_enabled
from ..errors import UserError
from ..manifest import ENABLED
from . import error_line
from .app import CliState, _state
from .listing import print_plain_table, print_plugin_list, print_rich_table

if TYPE_CHECKING:
    from ..kernel import Kernel
    from ..manifest import Requirement

#: contribution hooks ``check`` calls, with the short name it reports them under
CHECKED_HOOKS = {
    "lmms_magenta_features": "features",
    "lmms_magenta_models": "models",
    "lmms_magenta_model_sources": "model_sources",
    "lmms_magenta_backends": "backends",
    "lmms_magenta_ui_panels": "ui_panels",
    "lmms_magenta_cli_commands": "cli_commands",
}

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


@click.group()
def plugins() -> None:
    """List, inspect, check, enable and disable plugins."""


@plugins.command("list")
@json_option
@click.pass_context
def list_(ctx: click.Context, as_json: bool) -> None:
    """List installed plugins with their state (imports no plugin)."""
    print_plugin_list(_state(ctx).kernel(), as_json=as_json)


@plugins.command()
@click.argument("name")
@json_option
@click.pass_context
def info(ctx: click.Context, name: str, as_json: bool) -> None:
    """Show one plugin: metadata, requirements and their status, settings."""
    state = _state(ctx)
    data = plugin_details(state.kernel(), name)
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    for key in ("name", "dist", "version", "kind", "summary", "module", "state", "reason"):
        if data[key]:
            click.echo(f"{key + ':':9} {data[key]}")
    for key in ("requires", "optional"):
        for req in data[key]:
            status = "ok" if req["ok"] else req["problem"]
            extra = f" [extra {req['extra']}]" if req.get("extra") else ""
            click.echo(f"{key + ':':9} {req['requirement']}{extra}: {status}")
    if data["settings"]:
        click.echo(f"settings: {json.dumps(data['settings'])}")


def plugin_details(kernel: Kernel, name: str) -> dict[str, Any]:
    """``plugins info`` data: the list entry plus each requirement's status and settings."""
    infos = kernel.plugins
    if name not in infos:
        known = ", ".join(infos) or "none installed"
        raise UserError(f"no plugin named '{name}' is installed (installed plugins: {known})")
    data = infos[name].to_dict()
    manifest = kernel.index.manifests[name]
    data["requires"] = [_req_status(kernel, r) for r in manifest.requires]
    data["optional"] = [_req_status(kernel, r) for r in manifest.optional]
    data["settings"] = kernel.config.plugin(name)
    return data


def _req_status(kernel: Kernel, req: Requirement) -> dict[str, Any]:
    version = kernel.index.installed.get(req.dist)
    infos = kernel.plugins
    problem = ""
    if version is None:
        problem = "not installed"
    elif not kernel.index.check(req.spec, version):
        problem = f"{version} is installed"
    else:
        for target in req.plugins:
            if target in infos and infos[target].state != ENABLED:
                problem = f"'{target}' is {infos[target].state}"
                break
    return {
        "requirement": req.text,
        "dist": req.dist,
        "plugins": list(req.plugins),
        "extra": req.extra,
        "installed": version,
        "ok": not problem,
        "problem": problem,
    }


@plugins.command()
@json_option
@click.pass_context
def check(ctx: click.Context, as_json: bool) -> None:
    """Load every enabled plugin, call its hooks, report; exit 2 on any problem."""
    state: CliState = _state(ctx)
    kernel = state.kernel()
    counts = run_checks(kernel)
    rows = []
    for info in kernel.plugins.values():
        row = info.to_dict()
        row["contributes"] = counts.get(info.name, {})
        row["problem"] = info.problem
        rows.append(row)
    failed = [r for r in rows if r["problem"]]
    if as_json:
        report = {"ok": not failed, "plugins": rows, "warnings": kernel.warnings}
        click.echo(json.dumps(report, indent=2))
    else:
        for row in rows:
            row["contributes"] = ", ".join(f"{k} {v}" for k, v in row["contributes"].items())
        columns = ("name", "version", "state", "contributes", "reason")
        if sys.stdout.isatty():
            print_rich_table(rows, columns, sys.stdout)
        else:
            print_plain_table(rows, columns, sys.stdout)
        summary = f"{len(rows) - len(failed)} of {len(rows)} plugins ok"
        click.echo(summary if not failed else f"{summary}; {len(failed)} with problems")
    if failed:
        ctx.exit(2)


def run_checks(kernel: Kernel) -> dict[str, dict[str, int]]:
    """Load, start, collect every contribution and shut down; counts per plugin."""
    counts: dict[str, dict[str, int]] = {}
    try:
        kernel.startup()
        kernel.features()  # validates Feature objects
        for hook, short in CHECKED_HOOKS.items():
            for plugin, item in kernel.contributions(hook):
                if hook == "lmms_magenta_cli_commands" and not isinstance(item, click.Command):
                    kernel.mark_broken(
                        plugin, f"{hook} returned a {type(item).__name__}, expected a click command"
                    )
                    continue
                per = counts.setdefault(plugin, {})
                per[short] = per.get(short, 0) + 1
    finally:
        kernel.shutdown()
    return counts


def _set(ctx: click.Context, name: str, enabled: bool) -> None:
    state = _state(ctx)
    config = state.config
    path = config.config_file
    set_plugin_enabled(path, name, enabled)
    verb = "enabled" if enabled else "disabled"
    click.echo(f"{verb} '{name}' in {path}")
    if name not in state.kernel().plugins:
        print(error_line(f"warning: no plugin named '{name}' is installed"), file=sys.stderr)
    if enabled:
        # layers above the file (environment, flags) may still disable it
        fresh = config.with_overrides()
        fresh.layers = tuple(layer for layer in config.layers if layer.source != str(path))
        where = fresh.disabled_by(name)
        if where:
            print(error_line(f"warning: '{name}' is still disabled by {where}"), file=sys.stderr)


@plugins.command()
@click.argument("name")
@click.pass_context
def enable(ctx: click.Context, name: str) -> None:
    """Enable plugin NAME in the config file."""
    _set(ctx, name, True)


@plugins.command()
@click.argument("name")
@click.pass_context
def disable(ctx: click.Context, name: str) -> None:
    """Disable plugin NAME in the config file."""
    _set(ctx, name, False)
