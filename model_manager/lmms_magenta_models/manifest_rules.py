"""The rules of the manifest format (docs/models.md, section 1), applied strictly.

Every problem is collected (none stops the check early, and a bad entry does not make
later checks fail in turn), then one :class:`ModelError` names the file and lists them.
"""

from __future__ import annotations

import os
import re
from typing import Any

from packaging.version import InvalidVersion, Version

from lmms_magenta.errors import ModelError

from .manifest import (
    MANIFEST_VERSION,
    NAME_RE,
    PRECISIONS,
    FileEntry,
    Manifest,
    TrainingData,
    Variant,
)
from .tasks import parse_contract

__all__ = ["validate"]

_SHA_RE = re.compile(r"^[0-9a-f]{64}$")
_REQUIRED = (
    "manifest_version", "name", "version", "task", "opset", "files", "variants",
    "license", "training_data", "metrics", "retrain",
)  # fmt: skip
_OPTIONAL = ("summary", "card", "contract", "extra")
_VARIANT_KEYS = {"file", "from", "tool", "max_abs_diff", "mean_abs_diff", "samples"}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_rel_path(path: Any) -> str | None:
    """Why ``path`` is not a safe relative POSIX path, or None when it is."""
    if not isinstance(path, str) or not path:
        return "must be a non-empty string"
    if "\\" in path or path.startswith("/") or re.match(r"^[A-Za-z]:", path):
        return "must be a relative path with '/' separators"
    if any(part in ("", ".", "..") for part in path.split("/")):
        return "must not contain '.', '..' or empty parts"
    return None


def _parse_files(
    data: Any, problems: list[str], allow_urls: bool
) -> tuple[list[FileEntry], set[str]]:
    """Valid file entries, and every well-formed path (so later checks do not cascade)."""
    if not isinstance(data, list) or not data:
        problems.append("'files' must be a non-empty list of {path, sha256, size}")
        return [], set()
    out: list[FileEntry] = []
    seen: set[str] = set()
    allowed = {"path", "sha256", "size"} | ({"url"} if allow_urls else set())
    for i, item in enumerate(data):
        where = f"files[{i}]"
        if not isinstance(item, dict):
            problems.append(f"{where} must be an object")
            continue
        n = len(problems)
        unknown = sorted(set(item) - allowed)
        if unknown:
            problems.append(f"{where} has unknown key(s) {', '.join(unknown)}")
        why = _check_rel_path(item.get("path"))
        if why:
            problems.append(f"{where}.path {why}")
        elif item["path"] in seen:
            problems.append(f"{where}.path '{item['path']}' is listed twice")
        else:
            seen.add(item["path"])
        sha = item.get("sha256")
        if not isinstance(sha, str) or not _SHA_RE.match(sha):
            problems.append(f"{where}.sha256 must be 64 lower-case hex digits")
        size = item.get("size")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            problems.append(f"{where}.size must be an int >= 0 (bytes)")
        url = item.get("url")
        if url is not None and not isinstance(url, str):
            problems.append(f"{where}.url must be a string")
        if len(problems) == n:
            out.append(FileEntry(item["path"], item["sha256"], item["size"], url))
    return out, seen


def _parse_variants(data: Any, files: set[str], problems: list[str]) -> dict[str, Variant]:
    if not isinstance(data, dict) or "fp32" not in data:
        problems.append("'variants' must be an object with at least 'fp32'")
        return {}
    out: dict[str, Variant] = {}
    for precision, item in data.items():
        where = f"variants.{precision}"
        if precision not in PRECISIONS:
            problems.append(f"'{precision}' is not a precision ({', '.join(PRECISIONS)})")
            continue
        if not isinstance(item, dict):
            problems.append(f"{where} must be an object with 'file'")
            continue
        n = len(problems)
        unknown = sorted(set(item) - _VARIANT_KEYS)
        if unknown:
            problems.append(f"{where} has unknown key(s) {', '.join(unknown)}")
        if item.get("file") not in files:
            problems.append(f"{where}.file {item.get('file')!r} is not one of 'files'")
        for key in ("from", "tool"):
            if key in item and not isinstance(item[key], str):
                problems.append(f"{where}.{key} must be a string")
        for key in ("max_abs_diff", "mean_abs_diff"):
            if key in item and not (_is_number(item[key]) and item[key] >= 0):
                problems.append(f"{where}.{key} must be a number >= 0")
        samples = item.get("samples")
        if samples is not None and (not isinstance(samples, int) or isinstance(samples, bool)):
            problems.append(f"{where}.samples must be an int")
        if len(problems) == n:
            out[precision] = Variant(
                item["file"], item.get("from"), item.get("tool"),
                item.get("max_abs_diff"), item.get("mean_abs_diff"), samples,
            )  # fmt: skip
    return out


def _parse_training_data(data: Any, problems: list[str]) -> list[TrainingData]:
    if not isinstance(data, list):
        problems.append("'training_data' must be a list of {name, license[, url, notes]}")
        return []
    out = []
    for i, item in enumerate(data):
        where = f"training_data[{i}]"
        if not isinstance(item, dict):
            problems.append(f"{where} must be an object")
            continue
        n = len(problems)
        unknown = sorted(set(item) - {"name", "license", "url", "notes"})
        if unknown:
            problems.append(f"{where} has unknown key(s) {', '.join(unknown)}")
        for key in ("name", "license"):
            if not isinstance(item.get(key), str) or not item[key].strip():
                problems.append(f"{where}.{key} must be a non-empty string")
        for key in ("url", "notes"):
            if key in item and not isinstance(item[key], str):
                problems.append(f"{where}.{key} must be a string")
        if len(problems) == n:
            out.append(
                TrainingData(item["name"], item["license"], item.get("url"), item.get("notes"))
            )
    return out


def validate(
    data: Any, *, path: str | os.PathLike[str] | None = None, allow_urls: bool = False
) -> Manifest:
    """Validate manifest data; raise ModelError listing every problem.

    ``path`` names the file in the message; ``allow_urls`` accepts file ``url`` keys
    (remote index entries).
    """
    where = os.fspath(path) if path is not None else None
    if not isinstance(data, dict):
        raise ModelError("a model manifest must be a JSON object", path=where)
    problems: list[str] = []
    missing = [k for k in _REQUIRED if k not in data]
    if missing:
        problems.append(f"missing key(s) {', '.join(missing)}")
    unknown = sorted(set(data) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        problems.append(f"unknown key(s) {', '.join(unknown)} (put your own data in 'extra')")
    if "manifest_version" in data and data["manifest_version"] != MANIFEST_VERSION:
        problems.append(
            f"manifest_version must be {MANIFEST_VERSION} (got {data['manifest_version']!r})"
        )
    name = data.get("name")
    if "name" in data and (not isinstance(name, str) or not NAME_RE.match(name)):
        problems.append(f"name {name!r} must match {NAME_RE.pattern}")
    version = data.get("version")
    if "version" in data:
        try:
            Version(version if isinstance(version, str) else "!")
        except InvalidVersion:
            problems.append(f"version {version!r} is not a PEP 440 version")
    for key in ("task", "license"):
        if key in data and (not isinstance(data[key], str) or not data[key].strip()):
            problems.append(f"'{key}' must be a non-empty string")
    for key in ("retrain", "summary"):
        if key in data and not isinstance(data[key], str):
            problems.append(f"'{key}' must be a string")
    opset = data.get("opset")
    if "opset" in data and (not isinstance(opset, int) or isinstance(opset, bool) or opset < 1):
        problems.append("'opset' must be an int >= 1")
    files, paths = (
        _parse_files(data["files"], problems, allow_urls) if "files" in data else ([], set())
    )
    variants = _parse_variants(data["variants"], paths, problems) if "variants" in data else {}
    training = (
        _parse_training_data(data["training_data"], problems) if "training_data" in data else []
    )
    metrics = data.get("metrics", {})
    if not isinstance(metrics, dict) or not all(
        isinstance(k, str) and _is_number(v) for k, v in metrics.items()
    ):
        problems.append("'metrics' must be an object of name -> number")
    card = data.get("card")
    if card is not None and card not in paths:
        problems.append(f"card {card!r} is not one of 'files'")
    contract = (
        parse_contract(data["contract"], "contract", problems) if "contract" in data else None
    )
    extra = data.get("extra", {})
    if not isinstance(extra, dict):
        problems.append("'extra' must be an object")
    if problems:
        count = f"{len(problems)} problems" if len(problems) > 1 else "1 problem"
        raise ModelError(f"invalid model manifest, {count}: " + "; ".join(problems), path=where)
    return Manifest(
        name=data["name"],
        version=data["version"],
        task=data["task"],
        opset=data["opset"],
        files=tuple(files),
        variants=variants,
        license=data["license"],
        training_data=tuple(training),
        metrics=dict(metrics),
        retrain=data["retrain"],
        summary=data.get("summary", ""),
        card=card,
        contract=contract,
        extra=dict(extra),
    )
