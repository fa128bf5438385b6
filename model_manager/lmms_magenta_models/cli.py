"""``lmms-magenta models``: list, info, install, verify, remove, import, convert.

Errors a user can fix are :class:`~lmms_magenta.errors.ModelError` (a UserError): the
kernel's CLI prints them as one line and exits with code 2. Listings take ``--json``.
Tables and the download progress bar are drawn by rich on a terminal; piped output is
plain text.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

import click

from lmms_magenta.errors import ModelError

if TYPE_CHECKING:
    from lmms_magenta.kernel import Kernel

    from .repository import ModelRepository
    from .sources import ModelEntry

__all__ = ["models"]

LIST_COLUMNS = ("name", "version", "task", "precisions", "source", "status", "loaded")


def _kernel(ctx: click.Context) -> Kernel:
    """The kernel of the running ``lmms-magenta`` command (one made here otherwise)."""
    state = ctx.find_root().obj
    if state is not None and callable(getattr(state, "kernel", None)):
        kernel: Kernel = state.kernel()
        return kernel
    from lmms_magenta.kernel import Kernel

    return Kernel()


def _repo(ctx: click.Context) -> ModelRepository:
    from .repository import ModelRepository

    return ModelRepository.from_kernel(_kernel(ctx))


def _warn(message: str) -> None:
    click.echo("lmms-magenta: warning: " + " ".join(message.split()), err=True)


def _row(entry: ModelEntry, status: str, loaded: str) -> dict[str, Any]:
    m = entry.manifest
    return {
        "name": m.name,
        "version": m.version,
        "task": m.task,
        "precisions": list(m.variants),
        "origin": entry.origin,
        "source": entry.source,
        "status": status,
        "loaded": loaded,
        "folder": str(entry.folder) if entry.folder else None,
    }


def list_rows(
    repo: ModelRepository, *, remote: bool, indexes: tuple[str, ...]
) -> tuple[list[dict[str, Any]], list[str]]:
    """Rows for ``models list`` and the catalogue's problems.

    Per name, highest version first; of one name@version the copy ``resolve`` uses is
    ``installed``, other local copies are ``shadowed``, and a remote-only one is
    ``available``.
    """
    catalogue = repo.catalogue(remote=remote or bool(indexes), indexes=indexes)
    loaded = {info.key: f"{info.precision} on {info.device}" for info in repo.loaded()}
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for name in sorted({e.manifest.name for e in catalogue.entries}):
        for entry in catalogue.matching(name):  # local copies sort before remote ones
            key = entry.manifest.key
            if entry.origin == "remote":
                if key in seen:
                    continue
                status = "available"
            else:
                status = "shadowed" if key in seen else "installed"
            rows.append(_row(entry, status, loaded.get(key, "") if status == "installed" else ""))
            seen.add(key)
    return rows, catalogue.problems


def _print_table(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> None:
    from lmms_magenta.cli.listing import print_plain_table, print_rich_table

    shown = [
        {**r, "precisions": ",".join(r["precisions"]), "loaded": r["loaded"] or "-"} for r in rows
    ]
    (print_rich_table if sys.stdout.isatty() else print_plain_table)(shown, columns, sys.stdout)


@click.group()
def models() -> None:
    """Model repository: the models features run, where they come from, and their files."""


_index_option = click.option(
    "--index", "indexes", multiple=True, metavar="URL",
    help="A remote model index to use as well as the configured ones (repeatable).",
)  # fmt: skip


@models.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--remote", is_flag=True, help="Also list models of the configured indexes.")
@_index_option
@click.pass_context
def list_cmd(ctx: click.Context, as_json: bool, remote: bool, indexes: tuple[str, ...]) -> None:
    """List models: installed, shipped by plugins, and (with --remote) available ones.

    LOADED shows models with an open session in this process and their device.
    """
    rows, problems = list_rows(_repo(ctx), remote=remote, indexes=indexes)
    for problem in problems:
        _warn(problem)
    if as_json:
        click.echo(json.dumps(rows, indent=2))
    elif not rows:
        click.echo("no models found (install one: lmms-magenta models install NAME --index URL)")
    else:
        _print_table(rows, LIST_COLUMNS)


def _find(repo: ModelRepository, spec: str, indexes: tuple[str, ...]) -> ModelEntry:
    from .repository import parse_spec

    try:
        return repo.resolve(spec).entry
    except ModelError:
        found = repo.catalogue(remote=True, indexes=indexes).matching(*parse_spec(spec))
        if not found:
            raise
        return found[0]


@models.command()
@click.argument("spec", metavar="NAME[@VERSION]")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_index_option
@click.pass_context
def info(ctx: click.Context, spec: str, as_json: bool, indexes: tuple[str, ...]) -> None:
    """Show a model's manifest: task, files, variants, licence, data, metrics."""
    repo = _repo(ctx)
    entry = _find(repo, spec, indexes)
    m = entry.manifest
    loaded = [f"{i.precision} on {i.device}" for i in repo.loaded() if i.key == m.key]
    contract = repo.tasks.get(m.task) or m.contract
    if as_json:
        doc = {
            "manifest": m.to_json(),
            "origin": entry.origin,
            "source": entry.source,
            "folder": str(entry.folder) if entry.folder else None,
            "contract": contract.to_json() if contract else None,
            "loaded": loaded,
        }
        click.echo(json.dumps(doc, indent=2))
        return
    out = [f"{m.key}  ({entry.source}{', ' + str(entry.folder) if entry.folder else ''})"]
    if m.summary:
        out.append(f"  {m.summary}")
    out.append(f"task:      {m.task}")
    if contract:
        for part, tensors in (("inputs", contract.inputs), ("outputs", contract.outputs)):
            out.append(f"  {part}: " + ", ".join(f"{n} {t}" for n, t in tensors.items()))
    out.append(f"opset:     {m.opset}")
    out.append(f"license:   {m.license}")
    for data in m.training_data:
        out.append(f"data:      {data.name} ({data.license}){' ' + data.url if data.url else ''}")
    for name, value in m.metrics.items():
        out.append(f"metric:    {name} = {value:g}")
    for precision, variant in m.variants.items():
        drift = (
            f", max |diff| vs fp32 {variant.max_abs_diff:.3g}"
            if variant.max_abs_diff is not None
            else ""
        )
        out.append(f"variant:   {precision}: {variant.file}{drift}")
    for file in m.files:
        out.append(f"file:      {file.path}  {file.size} bytes  sha256 {file.sha256}")
    if m.retrain:
        out.append(f"retrain:   {m.retrain}")
    out.append(f"loaded:    {', '.join(loaded) if loaded else 'no'}")
    click.echo("\n".join(out))


@models.command()
@click.argument("spec", metavar="NAME[@VERSION]")
@_index_option
@click.pass_context
def install(ctx: click.Context, spec: str, indexes: tuple[str, ...]) -> None:
    """Download a model from a remote index into the user store (verified, resumable)."""
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

    from .operations import install as do_install

    repo = _repo(ctx)
    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
        console=console, transient=True,
    ) as bar:  # fmt: skip
        tasks: dict[str, Any] = {}

        def progress(path: str, done: int, total: int) -> None:
            if path not in tasks:
                tasks[path] = bar.add_task(path, total=total)
            bar.update(tasks[path], completed=done)

        entry = do_install(repo, spec, indexes=indexes, progress=progress)
    click.echo(f"installed {entry.manifest.key} into {entry.folder}")


@models.command()
@click.argument("spec", metavar="[NAME[@VERSION]]", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def verify(ctx: click.Context, spec: str | None, as_json: bool) -> None:
    """Re-hash every file of the local models (or of one) against their manifests."""
    from .operations import verify as do_verify

    results = do_verify(_repo(ctx), spec)
    if as_json:
        doc = [
            {"model": r.entry.manifest.key, "source": r.entry.source, "ok": r.ok,
             "problems": r.problems}
            for r in results
        ]  # fmt: skip
        click.echo(json.dumps(doc, indent=2))
    else:
        for r in results:
            status = "ok" if r.ok else "FAILED: " + "; ".join(r.problems)
            click.echo(f"{r.entry.manifest.key} ({r.entry.source}): {status}")
    failed = [r.entry.manifest.key for r in results if not r.ok]
    if failed:
        raise ModelError(f"{len(failed)} model(s) failed verification: {', '.join(failed)}")


@models.command()
@click.argument("spec", metavar="NAME[@VERSION]")
@click.pass_context
def remove(ctx: click.Context, spec: str) -> None:
    """Delete a model from the user store."""
    from .operations import remove as do_remove

    entry = do_remove(_repo(ctx), spec)
    click.echo(f"removed {entry.manifest.key} ({entry.folder})")


@models.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--task", required=True, help="The task contract the model fulfils.")
@click.option("--name", default=None, help="Model name (default: from the file name).")
@click.option("--version", "version", default="1.0.0", show_default=True, help="Model version.")
@click.option("--license", "license_", default="LicenseRef-unknown", show_default=True,
              help="SPDX licence of the model weights.")  # fmt: skip
@click.pass_context
def import_cmd(
    ctx: click.Context, path: str, task: str, name: str | None, version: str, license_: str
) -> None:
    """Add your own ONNX model to the user store, after checking it fits TASK."""
    from .operations import import_model

    entry = import_model(_repo(ctx), path, task=task, name=name, version=version, license=license_)
    click.echo(f"imported {entry.manifest.key} (task {task}) into {entry.folder}")


@models.command()
@click.argument("spec", metavar="NAME[@VERSION]")
@click.option("--precision", type=click.Choice(["fp16", "int8"]), required=True)
@click.option("--samples", default=8, show_default=True, type=click.IntRange(1, 1000),
              help="Random input sets the drift from fp32 is measured on.")  # fmt: skip
@click.pass_context
def convert(ctx: click.Context, spec: str, precision: str, samples: int) -> None:
    """Make an fp16 or int8 variant and record its difference from fp32."""
    from .operations import convert as do_convert

    entry, variant = do_convert(_repo(ctx), spec, precision, samples=samples)
    size = entry.manifest.file(variant.file).size
    click.echo(
        f"made the {precision} variant of {entry.manifest.key}: {variant.file} ({size} bytes); "
        f"vs fp32 on {samples} samples: max |diff| {variant.max_abs_diff:.3g}, "
        f"mean {variant.mean_abs_diff:.3g}"
    )
