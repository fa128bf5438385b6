"""Presets: a feature's settings saved to a small JSON file and loaded again.

A preset stores the values of a feature's parameters except its files (which differ
from run to run), so "my tight funk humanize" can be reused on any clip. The file is
plain JSON a user may edit by hand::

    {"format": "lmms-magenta-preset", "version": 1, "feature": "groove.humanize",
     "params": {"intensity": 40.0, "style": "funk"}}

Loading validates every value against the feature's :class:`~lmms_magenta.params.Schema`,
so a stale or hand-edited preset fails with one line naming the file and the
parameter. Saving is atomic and keeps a ``.bak`` of the previous file
(:func:`lmms_magenta.safeio.atomic_write`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import FileFormatError, ParameterError
from .params import File, Schema
from .safeio import atomic_write, read_limited

__all__ = ["PRESET_FORMAT", "PRESET_VERSION", "load_preset", "save_preset"]

PRESET_FORMAT = "lmms-magenta-preset"
PRESET_VERSION = 1
#: Presets are a few hundred bytes; anything this large is not a preset.
_MAX_BYTES = 1_000_000


def _jsonable(value: Any) -> Any:
    return os.fspath(value) if isinstance(value, os.PathLike) else value


def save_preset(
    schema: Schema,
    values: Mapping[str, Any],
    path: str | os.PathLike[str],
    *,
    feature: str | None = None,
) -> Path:
    """Validate ``values`` (missing ones take defaults) and write them as a preset.

    File parameters are left out. Returns the path written. Raises
    :class:`~lmms_magenta.errors.ParameterError` for bad values and
    :class:`~lmms_magenta.errors.UserError` when the file cannot be written.
    """
    settings = {p.name: p for p in schema if not isinstance(p, File)}
    given = {k: v for k, v in values.items() if k.replace("-", "_") in settings}
    for name in values:
        schema.lookup(name)  # unknown names are an error, not silently dropped
    checked = Schema(*settings.values()).validate(given)
    doc: dict[str, Any] = {"format": PRESET_FORMAT, "version": PRESET_VERSION}
    if feature:
        doc["feature"] = feature
    doc["params"] = {k: _jsonable(v) for k, v in checked.items()}
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    atomic_write(path, text.encode("utf-8"))
    return Path(path)


def load_preset(
    schema: Schema, path: str | os.PathLike[str], *, feature: str | None = None
) -> dict[str, Any]:
    """Read a preset and return its validated values (only the parameters it sets).

    ``feature`` (the dotted feature name) must match the preset's, when both are
    known. Raises :class:`~lmms_magenta.errors.FileFormatError` for a file that is not
    a preset and :class:`~lmms_magenta.errors.ParameterError` for a bad value; both
    messages start with the file name.
    """
    raw = read_limited(path, _MAX_BYTES)
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise FileFormatError(f"not a preset: invalid JSON ({err})", path=path) from None
    if not isinstance(doc, dict) or doc.get("format") != PRESET_FORMAT:
        raise FileFormatError(f"not a preset: 'format' must be {PRESET_FORMAT!r}", path=path)
    version = doc.get("version")
    if not isinstance(version, int) or version > PRESET_VERSION:
        raise FileFormatError(
            f"preset version {version!r} is not supported (this program reads up to "
            f"version {PRESET_VERSION}); update lmms-magenta",
            path=path,
        )
    saved_for = doc.get("feature")
    if feature and saved_for and saved_for != feature:
        raise ParameterError(
            f"this preset is for feature {saved_for!r}, not {feature!r}", path=path
        )
    params = doc.get("params", {})
    if not isinstance(params, dict):
        raise FileFormatError("not a preset: 'params' must be an object", path=path)
    try:
        for name in params:
            if isinstance(schema.lookup(name), File):
                raise ParameterError(f"parameter {name!r} is a file; presets cannot set files")
        return schema.validate(params, partial=True)
    except ParameterError as err:
        raise ParameterError(err.problem, path=path) from None
