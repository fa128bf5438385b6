"""The schema: an ordered set of parameters, validated as a whole."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..errors import ParameterError
from .base import Param
from .files import File
from .scalars import Seed, pick_seed

__all__ = ["Schema"]


class Schema:
    """An ordered set of uniquely named parameters: what a feature accepts.

    ``Schema(Number("intensity", ...), Choice("style", ...))``. Iterating yields the
    parameters in declaration order (the order of CLI options and UI widgets).
    """

    def __init__(self, *params: Param) -> None:
        names = [p.name for p in params]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"duplicate parameter names: {', '.join(dupes)}")
        self._params: dict[str, Param] = {p.name: p for p in params}

    def __iter__(self) -> Iterator[Param]:
        return iter(self._params.values())

    def __len__(self) -> int:
        return len(self._params)

    def __contains__(self, name: object) -> bool:
        return name in self._params

    def __getitem__(self, name: str) -> Param:
        return self._params[name]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Schema) and list(self) == list(other)

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"Schema({', '.join(repr(p) for p in self)})"

    @property
    def names(self) -> tuple[str, ...]:
        """Parameter names in declaration order."""
        return tuple(self._params)

    def defaults(self) -> dict[str, Any]:
        """Every parameter's default value."""
        return {p.name: p.default for p in self}

    def lookup(self, name: str) -> Param:
        """The parameter called ``name`` (``-`` counts as ``_``); ParameterError if unknown."""
        key = name.strip().replace("-", "_")
        if key in self._params:
            return self._params[key]
        import difflib  # only on errors: keeps start-up imports small

        close = difflib.get_close_matches(key, self.names, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        known = ", ".join(self.names) or "none"
        raise ParameterError(f"unknown parameter {name!r} ({hint}known: {known})")

    def validate(self, values: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
        """Check and normalize ``values``; return a complete mapping in schema order.

        Missing parameters (and those given as ``None``) take their default; strings
        are converted to the parameter's type. With ``partial=True`` only the given
        parameters are checked and returned (used for presets and overrides). Raises
        :class:`~lmms_magenta.errors.ParameterError` on the first problem.
        """
        given: dict[str, Any] = {}
        for name, value in values.items():
            param = self.lookup(name)
            if value is not None:
                given[param.name] = param.coerce(value)
        if partial:
            return {n: given[n] for n in self.names if n in given}
        out: dict[str, Any] = {}
        for param in self:
            if param.name in given:
                out[param.name] = given[param.name]
            elif param.required:
                raise ParameterError(
                    f"missing required parameter {param.name!r} (allowed: {param.allowed()})"
                )
            elif isinstance(param, File) and param.default is not None:
                out[param.name] = param.coerce(param.default)
            else:
                out[param.name] = param.default
        return out

    def resolve_seeds(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """A copy of validated ``values`` with every ``None`` seed replaced by a random one."""
        out = dict(values)
        for param in self:
            if isinstance(param, Seed) and out.get(param.name) is None:
                out[param.name] = pick_seed(None)
        return out

    def to_json(self) -> dict[str, Any]:
        """JSON-serializable description (for UIs, docs and other processes)."""
        return {"params": [p.to_json() for p in self]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Schema:
        """Rebuild a schema from :meth:`to_json` output."""
        items = data.get("params")
        if not isinstance(items, list):
            raise ValueError("a schema description needs a 'params' list")
        return cls(*(Param.from_json(item) for item in items))
