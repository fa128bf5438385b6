"""Plain parameter types: numbers, whole numbers, choices, switches and seeds."""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from .base import Invalid, Param, fmt_number

__all__ = ["SEED_MAX", "Bool", "Choice", "Integer", "Number", "Seed", "pick_seed"]

#: Largest seed value (seeds must fit numpy's and torch's 32-bit seeding).
SEED_MAX = 2**32 - 1
_TRUE = frozenset({"true", "yes", "on", "1", "y"})
_FALSE = frozenset({"false", "no", "off", "0", "n"})
_NO_SEED = frozenset({"", "none", "random", "auto"})


@dataclass(frozen=True, kw_only=True)
class Number(Param):
    """A real number, optionally bounded, with a unit (``"%"``, ``"ms"``, ``"dB"``).

    Strings may carry the unit (``"50%"``, ``"-3 dB"``). ``step`` is the UI's slider
    step; values between steps are accepted.
    """

    kind: ClassVar[str] = "number"
    default: float = 0.0
    min: float | None = None
    max: float | None = None
    unit: str = ""
    step: float | None = None

    def __post_init__(self) -> None:
        for bound in ("min", "max", "step"):
            if getattr(self, bound) is not None:
                object.__setattr__(self, bound, float(getattr(self, bound)))
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"parameter {self.name!r}: min {self.min} is above max {self.max}")
        super().__post_init__()

    def _coerce(self, value: Any) -> float:
        if isinstance(value, bool):
            raise Invalid("is not a number")
        if isinstance(value, str):
            text = value.strip()
            if self.unit and text.lower().endswith(self.unit.lower()):
                text = text[: -len(self.unit)].strip()
            try:
                value = float(text)
            except ValueError:
                raise Invalid("is not a number") from None
        try:
            number = float(value) if isinstance(value, numbers.Real) else math.nan
        except OverflowError:
            number = math.nan
        if not math.isfinite(number):
            raise Invalid("is not a finite number")
        if (self.min is not None and number < self.min) or (
            self.max is not None and number > self.max
        ):
            raise Invalid("is out of range")
        return number

    def allowed(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        if self.min is not None and self.max is not None:
            return f"a number from {fmt_number(self.min)} to {fmt_number(self.max)}{unit}"
        if self.min is not None:
            return f"a number >= {fmt_number(self.min)}{unit}"
        if self.max is not None:
            return f"a number <= {fmt_number(self.max)}{unit}"
        return f"a number{unit and ' in' + unit}"


@dataclass(frozen=True, kw_only=True)
class Integer(Param):
    """A whole number, optionally bounded (``bars``, ``steps``, ``alternatives``)."""

    kind: ClassVar[str] = "integer"
    default: int = 0
    min: int | None = None
    max: int | None = None
    unit: str = ""

    def __post_init__(self) -> None:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"parameter {self.name!r}: min {self.min} is above max {self.max}")
        super().__post_init__()

    def _coerce(self, value: Any) -> int:
        if isinstance(value, bool):
            raise Invalid("is not a whole number")
        if isinstance(value, str):
            text = value.strip()
            if self.unit and text.lower().endswith(self.unit.lower()):
                text = text[: -len(self.unit)].strip()
            try:
                value = int(text, 10)
            except ValueError:
                raise Invalid("is not a whole number") from None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, numbers.Integral):
            raise Invalid("is not a whole number")
        whole = int(value)
        if (self.min is not None and whole < self.min) or (
            self.max is not None and whole > self.max
        ):
            raise Invalid("is out of range")
        return whole

    def allowed(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        if self.min is not None and self.max is not None:
            return f"a whole number from {self.min} to {self.max}{unit}"
        if self.min is not None:
            return f"a whole number >= {self.min}{unit}"
        if self.max is not None:
            return f"a whole number <= {self.max}{unit}"
        return "a whole number"


@dataclass(frozen=True, kw_only=True)
class Choice(Param):
    """One of a fixed list of words (``funk``, ``jazz`` ...), matched ignoring case.

    ``choice_help`` optionally explains each choice (a mapping, stored as pairs so
    the parameter stays hashable).
    """

    kind: ClassVar[str] = "choice"
    default: str = ""
    choices: tuple[str, ...] = ()
    choice_help: Mapping[str, str] | tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "choices", tuple(self.choices))
        if not self.choices or len({c.casefold() for c in self.choices}) != len(self.choices):
            raise ValueError(f"parameter {self.name!r}: choices must be non-empty and unique")
        helps = dict(self.choice_help)
        if set(helps) - set(self.choices):
            raise ValueError(f"parameter {self.name!r}: choice_help names unknown choices")
        object.__setattr__(
            self, "choice_help", tuple((c, helps[c]) for c in self.choices if c in helps)
        )
        super().__post_init__()

    def help_for(self, choice: str) -> str:
        """The help text of one choice ('' when none was given)."""
        return dict(self.choice_help).get(choice, "")

    def _coerce(self, value: Any) -> str:
        if isinstance(value, str):
            wanted = value.strip().casefold()
            for choice in self.choices:
                if choice.casefold() == wanted:
                    return choice
            import difflib  # only on errors: keeps start-up imports small

            close = difflib.get_close_matches(wanted, [c.casefold() for c in self.choices], 1)
            if close:
                raise Invalid(f"is not a choice; did you mean {close[0]!r}?")
        raise Invalid("is not a choice")

    def allowed(self) -> str:
        return "one of " + ", ".join(self.choices)


@dataclass(frozen=True, kw_only=True)
class Bool(Param):
    """On or off; strings ``yes/no``, ``true/false``, ``on/off``, ``1/0`` are accepted."""

    kind: ClassVar[str] = "bool"
    default: bool = False

    def _coerce(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str):
            text = value.strip().lower()
            if text in _TRUE:
                return True
            if text in _FALSE:
                return False
        raise Invalid()

    def allowed(self) -> str:
        return "yes/no, true/false, on/off or 1/0"


@dataclass(frozen=True, kw_only=True)
class Seed(Param):
    """A random seed: a whole number 0..2**32-1, or ``None`` for "pick one and report it".

    Strings ``none``, ``random``, ``auto`` and the empty string mean ``None``. Call
    :func:`pick_seed` (or :meth:`Schema.resolve_seeds`) before running so the seed
    actually used can be reported and the result reproduced.
    """

    kind: ClassVar[str] = "seed"
    default: int | None = None

    def _none_default_ok(self) -> bool:
        return True

    def _coerce(self, value: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, str):
            text = value.strip().lower()
            if text in _NO_SEED:
                return None
            if not text.isdigit():
                raise Invalid()
            value = int(text)
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid()
        if not 0 <= value <= SEED_MAX:
            raise Invalid("is out of range")
        return value

    def allowed(self) -> str:
        return f"a whole number from 0 to {SEED_MAX}, or 'random'"


def pick_seed(seed: int | None) -> int:
    """``seed`` itself, or a fresh random seed when it is ``None``."""
    if seed is not None:
        return seed
    import secrets

    return secrets.randbelow(SEED_MAX + 1)
