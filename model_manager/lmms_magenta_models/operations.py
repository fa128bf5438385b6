"""What changes the user store: install, import, convert, remove; and verify.

Each operation builds the new model folder (or variant file) in a staging area inside
the store, checks it completely (sha256, ``onnx.checker``, task contract), and only then
moves it into place with a rename, so a failure or an interruption never leaves a
half-model behind (see :mod:`lmms_magenta_models.store`).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lmms_magenta.errors import ModelError

from .convert import convert_file
from .derived import derived_for, remove_derived, verify_derived
from .drift import measure_drift_isolated
from .hashing import sha256_file
from .manifest import MANIFEST_NAME, NAME_RE, FileEntry, Manifest, Variant, write_manifest
from .onnx_check import check_onnx_file
from .remote import download
from .repository import ModelRepository, parse_spec
from .sources import ModelEntry

__all__ = ["VerifyResult", "convert", "import_model", "install", "remove", "verify"]

#: ``progress(file path, done bytes, total bytes)``
InstallProgress = Callable[[str, int, int], None]


def _find_entry(repo: ModelRepository, folder: Path) -> ModelEntry:
    repo.refresh()
    for entry in repo.catalogue().entries:
        if entry.folder is not None and entry.folder.resolve() == folder.resolve():
            return entry
    raise ModelError("the model just written is not readable", path=folder / MANIFEST_NAME)


# --- install ---------------------------------------------------------------------------


def _tidy(staging: Path, manifest: Manifest) -> None:
    """Delete leftovers of earlier attempts that the manifest does not list."""
    keep = {staging.joinpath(*f.path.split("/")) for f in manifest.files}
    for path in sorted(staging.rglob("*"), reverse=True):
        if path.is_file() and path not in keep:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def install(
    repo: ModelRepository,
    spec: str,
    *,
    indexes: tuple[str, ...] = (),
    progress: InstallProgress | None = None,
) -> ModelEntry:
    """Download ``spec`` from a remote index into the user store (see module docstring)."""
    name, wanted = parse_spec(spec)
    catalogue = repo.catalogue(remote=True, indexes=indexes)
    remote = [e for e in catalogue.matching(name, wanted) if e.origin == "remote"]
    if not remote:
        urls = repo.index_urls(indexes)
        where = ", ".join(urls) if urls else "no index configured (use --index URL)"
        trouble = [p for p in catalogue.problems if any(u in p for u in urls)]
        more = f"; problems: {' | '.join(trouble)}" if trouble else ""
        raise ModelError(f"model '{spec}' is not in any model index ({where}){more}")
    entry = remote[0]
    m = entry.manifest
    if repo.store.folder(m.name, m.version).exists():
        raise ModelError(
            f"model {m.key} is already installed", path=repo.store.folder(m.name, m.version)
        )
    for file in m.files:
        if file.size > repo.settings.max_file_bytes:
            raise ModelError(
                f"model {m.key}: {file.path} is {file.size} bytes, more than "
                f"max_file_mb = {repo.settings.max_file_mb:g}; refusing to download it"
            )
    staging = repo.store.install_staging(m.name, m.version)
    _tidy(staging, m)
    for file in m.files:
        dest = staging.joinpath(*file.path.split("/"))
        dest.parent.mkdir(parents=True, exist_ok=True)
        url = entry.file_url(file.path)
        report = (lambda done, total, p=file.path: progress(p, done, total)) if progress else None
        download(url, dest, size=file.size, timeout=repo.settings.timeout_s, progress=report)
        got = sha256_file(dest)
        if got != file.sha256:
            dest.unlink()
            raise ModelError(
                f"sha256 mismatch for {url} (got {got[:12]}..., the index says "
                f"{file.sha256[:12]}...): refusing the file; nothing was installed"
            )
    try:
        fp32 = staging.joinpath(*m.variant_file("fp32").path.split("/"))
        check_onnx_file(fp32, repo.contract(entry), m.task)
        write_manifest(staging, m)
        final = repo.store.commit(staging, m.name, m.version)
    except BaseException:
        repo.store.discard(staging)
        raise
    return _find_entry(repo, final)


# --- import ----------------------------------------------------------------------------


def _default_name(path: Path) -> str:
    name = re.sub(r"[^a-z0-9._-]+", "-", path.stem.lower()).strip("-._")[:64]
    return name or "model"


def import_model(
    repo: ModelRepository,
    path: str | os.PathLike[str],
    *,
    task: str,
    name: str | None = None,
    version: str = "1.0.0",
    license: str = "LicenseRef-unknown",
    summary: str = "",
) -> ModelEntry:
    """Add a user's ONNX file to the store after ``onnx.checker`` and the contract check."""
    source = Path(path)
    if not source.is_file():
        raise ModelError("no such ONNX file", path=source)
    name = name or _default_name(source)
    if not NAME_RE.match(name):
        raise ModelError(f"model name {name!r} must match {NAME_RE.pattern} (use --name)")
    contract = repo.tasks.require(task, path=str(source))
    opset = check_onnx_file(source, contract, task)
    staging = repo.store.new_staging()
    try:
        target = staging / "model.onnx"
        shutil.copyfile(source, target)
        manifest = Manifest(
            name=name, version=version, task=task, opset=opset,
            files=(FileEntry("model.onnx", sha256_file(target), target.stat().st_size),),
            variants={"fp32": Variant("model.onnx")}, license=license,
            summary=summary or f"imported from {source.name}",
        )  # fmt: skip
        write_manifest(staging, _validated(manifest, staging))
        final = repo.store.commit(staging, name, manifest.version)
    except BaseException:
        repo.store.discard(staging)
        raise
    return _find_entry(repo, final)


def _validated(manifest: Manifest, folder: Path) -> Manifest:
    """Round-trip through the strict parser (a bad --version is caught here)."""
    from .manifest import parse_manifest

    return parse_manifest(manifest.to_json(), path=folder / MANIFEST_NAME)


# --- convert ---------------------------------------------------------------------------


def convert(
    repo: ModelRepository, spec: str, precision: str, *, samples: int = 8
) -> tuple[ModelEntry, Variant]:
    """Make the ``precision`` variant of a local model and record its drift from fp32.

    A store model gets the variant in its own folder; a shipped model is first copied
    into the store (same name@version, which then takes precedence).
    """
    model = repo.resolve(spec)
    entry, m = model.entry, model.manifest
    source = model.path("fp32")
    stem = m.variant_file("fp32").path.rsplit(".", 1)[0]
    rel = f"{stem}.{precision}.onnx"
    staging = repo.store.new_staging()
    try:
        made = staging / "variant.onnx"
        tool = convert_file(source, made, precision)
        check_onnx_file(made, model.contract, m.task)
        worst, mean = measure_drift_isolated(
            source, made, model.contract, samples, what=f"the {precision} variant of {m.key}"
        )
        variant = Variant(rel, "fp32", tool, worst, mean, samples)
        file = FileEntry(rel, sha256_file(made), made.stat().st_size)
        updated = m.with_variant(precision, variant, file)
        assert entry.folder is not None
        if entry.origin == "store" and repo.store.contains(entry.folder):
            final = entry.folder
            target = final.joinpath(*rel.split("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(made, target)
            write_manifest(final, updated)
        else:
            for f in m.files:
                if f.path == rel:
                    continue
                src = entry.file_path(f.path)
                repo.verified.verify(src, f.sha256, f.size)
                dst = staging.joinpath(*f.path.split("/"))
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dst)
            os.replace(made, staging.joinpath(*rel.split("/")))
            write_manifest(staging, updated)
            final = repo.store.commit(staging, m.name, m.version)
    finally:
        repo.store.discard(staging)
    return _find_entry(repo, final), variant


# --- verify / remove -------------------------------------------------------------------


@dataclass
class VerifyResult:
    """One model's verification: the problems found (empty: all files are intact)."""

    entry: ModelEntry
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(repo: ModelRepository, spec: str | None = None) -> list[VerifyResult]:
    """Re-hash every file of every local model (or those matching ``spec``), no cache.

    The backends' derived artifacts of those files (:mod:`.derived`) are re-hashed too.
    """
    catalogue = repo.catalogue()
    if spec is None:
        entries = [e for e in catalogue.entries if e.local]
    else:
        entries = [e for e in catalogue.matching(*parse_spec(spec)) if e.local]
        if not entries:
            repo.resolve(spec)  # raises the "not installed" error
    results = []
    for entry in entries:
        result = VerifyResult(entry)
        for file in entry.manifest.files:
            try:
                repo.verified.verify(entry.file_path(file.path), file.sha256, file.size, fresh=True)
            except ModelError as exc:
                result.problems.append(str(exc))
            result.problems += _verify_derived(repo, file.sha256)
        results.append(result)
    return results


def _verify_derived(repo: ModelRepository, sha256: str) -> list[str]:
    """Re-hash the backends' conversions of one file; a bad one is removed and reported."""
    problems = []
    for artifact in derived_for(repo.kernel.config.data_dir, sha256):
        bad = verify_derived(artifact)
        if bad:
            shutil.rmtree(artifact.folder, ignore_errors=True)
            problems.append(
                f"{artifact.label}: {'; '.join(bad)}; removed it "
                "(the backend converts the model again when it next needs it)"
            )
    return problems


def remove(repo: ModelRepository, spec: str) -> ModelEntry:
    """Delete a model from the user store (shipped models belong to their plugin)."""
    name, wanted = parse_spec(spec)
    found = repo.catalogue().matching(name, wanted)
    stored = [e for e in found if e.origin == "store"]
    if not stored:
        if found:
            raise ModelError(
                f"model {found[0].manifest.key} is in {found[0].source}, not in the user store: "
                "only installed, imported or converted models can be removed"
            )
        repo.resolve(spec)  # raises the "not installed" error
    if len(stored) > 1 and wanted is None:
        versions = ", ".join(e.manifest.version for e in stored)
        raise ModelError(
            f"several versions of '{name}' are installed ({versions}); name one: {name}@VERSION"
        )
    entry = stored[0]
    repo.sessions.close_model(entry.manifest.key)
    assert entry.folder is not None
    for file in entry.manifest.files:
        repo.verified.forget(entry.file_path(file.path))
    shared = {
        f.sha256 for e in repo.catalogue().entries if e.local and e is not entry
        for f in e.manifest.files
    }  # fmt: skip
    repo.store.remove(entry.folder)
    for sha in {f.sha256 for f in entry.manifest.files} - shared:
        remove_derived(repo.kernel.config.data_dir, sha)  # the backends' conversions of it
    repo.refresh()
    return entry
