"""The free-text parameter type: a track name, a pattern name, a title."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar

from .base import Invalid, Param

__all__ = ["Text"]

_METAVAR_RE = re.compile(r"^[A-Z][A-Z0-9_-]*$")
# C0 control characters and DEL: XML (an LMMS project) cannot hold most of them, and
# none belongs in a name. Tab is allowed; line breaks only in multi-line text.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True, kw_only=True)
class Text(Param):
    """Free text, optionally limited: ``max_length`` characters, a regular expression
    ``pattern`` the whole text must match, ``non_empty`` (blank text is refused).

    One line unless ``multiline`` (the UI shows a line edit or a text box). Control
    characters are always refused, as a project file could not store them. The text is
    kept exactly as given (no trimming: track names may end in a space).
    ``pattern_help`` says in words what ``pattern`` allows (shown instead of the
    regular expression); ``metavar`` is the word the CLI help shows for the value
    (``--track NAME``). A ``default`` of None means "not given".
    """

    kind: ClassVar[str] = "text"
    default: str | None = None
    max_length: int | None = None
    pattern: str = ""
    pattern_help: str = ""
    non_empty: bool = False
    multiline: bool = False
    metavar: str = "TEXT"

    def __post_init__(self) -> None:
        if self.max_length is not None and (
            isinstance(self.max_length, bool)
            or not isinstance(self.max_length, int)
            or self.max_length < 1
        ):
            raise ValueError(f"parameter {self.name!r}: max_length must be a whole number >= 1")
        if self.pattern:
            try:
                re.compile(self.pattern)
            except re.error as err:
                raise ValueError(f"parameter {self.name!r}: bad pattern ({err})") from None
        if not _METAVAR_RE.match(self.metavar):
            raise ValueError(
                f"parameter {self.name!r}: metavar {self.metavar!r} must be an upper-case word"
            )
        super().__post_init__()

    def _none_default_ok(self) -> bool:
        return True

    def _coerce(self, value: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise Invalid("is not text")
        if not self.multiline and ("\n" in value or "\r" in value):
            raise Invalid("has a line break")
        if _CONTROL_RE.search(value):
            raise Invalid("has a control character")
        if self.non_empty and not value.strip():
            raise Invalid("is empty")
        if self.max_length is not None and len(value) > self.max_length:
            raise Invalid(f"is {len(value)} characters long")
        if self.pattern and re.fullmatch(self.pattern, value) is None:
            raise Invalid("does not match")
        return value

    def allowed(self) -> str:
        noun = "piece of text" if self.multiline else "line of text"
        phrase = f"{'a non-empty' if self.non_empty else 'a'} {noun}"
        if self.max_length is not None:
            phrase += f" of at most {self.max_length} characters"
        if self.pattern_help:
            phrase += f": {self.pattern_help}"
        elif self.pattern:
            phrase += f" matching {self.pattern}"
        return phrase
