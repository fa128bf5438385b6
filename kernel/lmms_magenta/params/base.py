"""The parameter base class: name, default, help, label, coercion and JSON form.

Every parameter type subclasses :class:`Param` with a ``kind`` tag (its name in JSON)
and two methods: ``_coerce`` (turn a Python value or a typed string into the
normalized value, or raise :class:`Invalid`) and ``allowed`` (a short phrase for
error messages and help). Subclasses register themselves by ``kind`` so that
:meth:`Param.from_json` can rebuild any of them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import KW_ONLY, dataclass, fields
from typing import Any, ClassVar

from ..errors import ParameterError

__all__ = ["Invalid", "Param", "fmt_number"]

_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
#: kind -> parameter class, filled by Param.__init_subclass__
_KINDS: dict[str, type[Param]] = {}


class Invalid(Exception):
    """Raised by ``_coerce``; ``problem`` says what is wrong beyond "not allowed"."""

    def __init__(self, problem: str = "") -> None:
        super().__init__(problem)
        self.problem = problem


def _tuples(value: Any) -> Any:
    """JSON lists back to the tuples the frozen dataclasses hold (nested once)."""
    if isinstance(value, list):
        return tuple(tuple(x) if isinstance(x, list) else x for x in value)
    return value


def fmt_number(x: float) -> str:
    """Shortest exact form of a number: ``100.0 -> "100"``, ``0.25 -> "0.25"``."""
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(float(x))


@dataclass(frozen=True)
class Param:
    """Base of all parameter types: a name, a default, a help text and a label.

    ``name`` is a Python identifier in lower case (``timing_balance``); the CLI
    shows it as ``--timing-balance``, the UI as ``label`` (default: derived from the
    name). Subclasses define ``kind`` (the JSON tag), how values are coerced and a
    sentence describing the allowed values.
    """

    kind: ClassVar[str] = ""
    name: str
    _: KW_ONLY
    default: Any = None
    help: str = ""
    label: str = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.kind:
            _KINDS[cls.kind] = cls

    def __post_init__(self) -> None:
        if not _NAME_RE.match(self.name):
            raise ValueError(
                f"parameter name {self.name!r} must be lower case letters, digits and _"
            )
        if self.default is not None or not self._none_default_ok():
            try:
                object.__setattr__(self, "default", self._normalize_default(self.default))
            except Invalid as err:
                raise ValueError(
                    f"default {self.default!r} of parameter {self.name!r} is not allowed "
                    f"({err.problem or self.allowed()})"
                ) from None

    # -- hooks for subclasses -----------------------------------------------------------
    def _none_default_ok(self) -> bool:
        """Whether ``None`` is a valid default (optional files, random seeds)."""
        return False

    def _normalize_default(self, value: Any) -> Any:
        return self._coerce(value)

    def _coerce(self, value: Any) -> Any:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def allowed(self) -> str:
        """A short phrase describing the allowed values, used in errors and help."""
        raise NotImplementedError  # pragma: no cover

    # -- public API ---------------------------------------------------------------------
    @property
    def display_label(self) -> str:
        """The label shown in UIs: ``label`` or the name in words (``Timing balance``)."""
        return self.label or self.name.replace("_", " ").capitalize()

    @property
    def required(self) -> bool:
        """Whether the user must give a value (no usable default)."""
        return False

    def coerce(self, value: Any) -> Any:
        """Convert and check one value (Python value or string); raise ParameterError."""
        try:
            return self._coerce(value)
        except Invalid as err:
            shown = os.fspath(value) if isinstance(value, os.PathLike) else value
            problem = f" {err.problem}" if err.problem else ""
            raise ParameterError(
                f"invalid value for parameter {self.name!r}: {shown!r}{problem} "
                f"(allowed: {self.allowed()})"
            ) from None

    def to_json(self) -> dict[str, Any]:
        """A JSON-serializable description: ``kind`` plus every declared field."""
        out: dict[str, Any] = {"kind": self.kind}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, tuple):
                value = [list(v) if isinstance(v, tuple) else v for v in value]
            out[f.name] = value
        return out

    @staticmethod
    def from_json(data: Mapping[str, Any]) -> Param:
        """Rebuild a parameter from :meth:`to_json` output."""
        kind = data.get("kind")
        cls = _KINDS.get(kind) if isinstance(kind, str) else None
        if cls is None:
            raise ValueError(f"unknown parameter kind {kind!r}; known: {', '.join(_KINDS)}")
        names = {f.name for f in fields(cls)}
        unknown = set(data) - names - {"kind"}
        if unknown:
            raise ValueError(f"unknown fields for a {kind} parameter: {sorted(unknown)}")
        kwargs = {k: _tuples(v) for k, v in data.items() if k != "kind"}
        return cls(**kwargs)
