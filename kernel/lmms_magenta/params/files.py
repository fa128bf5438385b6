"""The file parameter type: an input to read or an output to write."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal

from .base import Invalid, Param

__all__ = ["File"]


@dataclass(frozen=True, kw_only=True)
class File(Param):
    """A file path: an input to read or an output to write.

    ``suffixes`` lists the accepted endings (``(".mid", ".midi")``), matched ignoring
    case. Inputs must exist by default (``must_exist``); outputs need an existing
    folder. The CLI makes an input a positional argument and an output an option
    (``-o/--output`` for the parameter named ``output``) unless ``positional`` says
    otherwise. ``required=False`` with ``default=None`` lets the feature derive the
    path (e.g. ``song.humanized.mid``). The validated value is a :class:`Path`.
    """

    kind: ClassVar[str] = "file"
    default: str | None = None
    role: Literal["input", "output"] = "input"
    suffixes: tuple[str, ...] = ()
    must_exist: bool | None = None
    positional: bool | None = None
    is_required: bool = True

    def __post_init__(self) -> None:
        if self.role not in ("input", "output"):
            raise ValueError(f"parameter {self.name!r}: role must be 'input' or 'output'")
        object.__setattr__(self, "suffixes", tuple(s.lower() for s in self.suffixes))
        if any(not s.startswith(".") for s in self.suffixes):
            raise ValueError(f"parameter {self.name!r}: suffixes must start with '.'")
        if self.must_exist is None:
            object.__setattr__(self, "must_exist", self.role == "input")
        if self.positional is None:
            object.__setattr__(self, "positional", self.role == "input")
        super().__post_init__()

    def _none_default_ok(self) -> bool:
        return True

    def _normalize_default(self, value: Any) -> Any:
        return os.fspath(value)  # checked against the disk only when used

    @property
    def required(self) -> bool:
        return self.is_required and self.default is None

    def _coerce(self, value: Any) -> Path:
        if not isinstance(value, str | os.PathLike) or not os.fspath(value):
            raise Invalid("is not a file name")
        path = Path(os.fspath(value)).expanduser()
        if self.suffixes and not path.name.lower().endswith(self.suffixes):
            raise Invalid("has the wrong file type")
        if self.role == "input" and self.must_exist:
            if not path.exists():
                raise Invalid("does not exist")
            if not path.is_file():
                raise Invalid("is not a file")
        if self.role == "output":
            if path.is_dir():
                raise Invalid("is a folder")
            if not path.absolute().parent.is_dir():
                raise Invalid("is in a folder that does not exist")
        return path

    def allowed(self) -> str:
        types = " or ".join(self.suffixes) + " " if self.suffixes else ""
        if self.role == "input":
            return f"an {'existing ' if self.must_exist else ''}{types}file"
        return f"a {types}file name in an existing folder"
