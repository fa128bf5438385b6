"""Model values as properties: an on/off switch (:class:`Flag`), a ranged number (:class:`Number`).

Many settings of a project are one model value each (a track's ``muted``, the song's
``bpm``): read with a default, written in whichever form the file uses (so automation
ids are kept), and, for numbers, checked against the range LMMS allows. These
descriptors say that once; a class declares ``muted = Flag("muted", "...")`` instead
of a property and its setter.

The owner (a view, or the project itself) gives the element through the attribute
named by ``on`` (``"element"`` for views, ``"head"`` for the song settings) and the
file named in errors through its ``source`` attribute.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from typing import overload

from ..errors import ParameterError
from .values import get_float, get_int, set_value

__all__ = ["Flag", "Number", "check_range"]


def check_range(value: float, what: str, low: float, high: float, unit: str = "") -> None:
    """A ParameterError unless ``low <= value <= high`` ("tempo must be 10-999 bpm, got 5")."""
    if not low <= value <= high:
        span = f"{low:g}..{high:g}" if low < 0 else f"{low:g}-{high:g}"
        raise ParameterError(f"{what} must be {span}{unit}, got {value:g}")


class _Field:
    """What both descriptors share: the value's name and where its element is."""

    def __init__(self, name: str, doc: str, on: str) -> None:
        self.name = name
        self.on = on
        self.__doc__ = doc

    def _element(self, owner: object) -> ET.Element:
        element = getattr(owner, self.on)
        if not isinstance(element, ET.Element):
            raise TypeError(f"{type(owner).__name__}.{self.on} is not an element")
        return element

    @staticmethod
    def _source(owner: object) -> str | os.PathLike[str] | None:
        source: str | os.PathLike[str] | None = getattr(owner, "source", None)
        return source


class Flag(_Field):
    """A 0/1 model value as a bool (absent: off); ``writable=False`` makes it read-only."""

    def __init__(self, name: str, doc: str, *, on: str = "element", writable: bool = True) -> None:
        super().__init__(name, doc, on)
        self.writable = writable

    @overload
    def __get__(self, owner: None, kind: type | None = None) -> Flag: ...
    @overload
    def __get__(self, owner: object, kind: type | None = None) -> bool: ...
    def __get__(self, owner: object | None, kind: type | None = None) -> Flag | bool:
        if owner is None:
            return self
        return get_int(self._element(owner), self.name, 0, source=self._source(owner)) != 0

    def __set__(self, owner: object, value: bool) -> None:
        if not self.writable:
            raise AttributeError(f"{self.name} is read-only here")
        set_value(self._element(owner), self.name, int(bool(value)))


class Number(_Field):
    """A float model value (``default`` when absent) that may be set within ``low..high``."""

    def __init__(
        self,
        name: str,
        doc: str,
        *,
        default: float,
        low: float,
        high: float,
        what: str,
        unit: str = "",
        on: str = "element",
    ) -> None:
        super().__init__(name, doc, on)
        self.default, self.low, self.high = default, low, high
        self.what, self.unit = what, unit

    @overload
    def __get__(self, owner: None, kind: type | None = None) -> Number: ...
    @overload
    def __get__(self, owner: object, kind: type | None = None) -> float: ...
    def __get__(self, owner: object | None, kind: type | None = None) -> Number | float:
        if owner is None:
            return self
        return get_float(self._element(owner), self.name, self.default, source=self._source(owner))

    def __set__(self, owner: object, value: float) -> None:
        check_range(value, self.what, self.low, self.high, self.unit)
        set_value(self._element(owner), self.name, value)
