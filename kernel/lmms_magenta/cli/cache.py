"""``lmms-magenta cache info|clear``: look into or empty the result cache.

The result cache (:mod:`lmms_magenta.resultcache`) lives in the cache directory of the
configuration (``LMMS_MAGENTA_CACHE_DIR`` or the platform's user cache folder); these
commands need no plugin, so they load none.
"""

from __future__ import annotations

import json
import sys
from typing import TextIO

import click

from ..resultcache import CacheInfo, ResultCache
from .app import _state
from .listing import print_plain_table

__all__ = ["cache"]


def _size(n: int) -> str:
    """Bytes for people: ``812 B``, ``3.4 KiB``, ``256.0 MiB``."""
    value = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{n} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def _print_info(info: CacheInfo, out: TextIO) -> None:
    out.write(f"result cache: {info.path}\n")
    out.write(
        f"entries: {info.entries}, {_size(info.bytes)} of {_size(info.max_bytes)} "
        f"(file {_size(info.file_bytes)})\n"
    )
    s = info.stats
    out.write(
        f"hits: {s.get('hits', 0)} exact, {s.get('similar_hits', 0)} similar; "
        f"misses: {s.get('misses', 0)}; writes: {s.get('writes', 0)}; "
        f"evicted: {s.get('evictions', 0)}\n"
    )
    if info.features:
        out.write("\n")
        rows = [
            {"feature": f, "entries": n, "size": _size(b)} for f, (n, b) in info.features.items()
        ]
        print_plain_table(rows, ("feature", "entries", "size"), out)


@click.group()
def cache() -> None:
    """Look into or empty the result cache (feature results kept on disk)."""


@cache.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def info(ctx: click.Context, as_json: bool) -> None:
    """Where the result cache is, how big, and how often it answered."""
    config = _state(ctx).config
    with ResultCache.for_config(config) as store:
        if store.problem:
            click.echo(f"warning: {store.problem}", err=True)
        details = store.info()
    if as_json:
        click.echo(json.dumps(details.to_json(), indent=2))
    else:
        _print_info(details, sys.stdout)


@cache.command()
@click.option("--feature", metavar="NAME", help="Only the results of this feature.")
@click.pass_context
def clear(ctx: click.Context, feature: str | None) -> None:
    """Delete cached results (all, or one feature's). Models and settings are kept."""
    config = _state(ctx).config
    with ResultCache.for_config(config) as store:
        removed = store.clear(feature)
    what = f"results of {feature}" if feature else "results"
    click.echo(f"removed {removed} cached {what} from {config.cache_dir}")
