"""Reading and writing LMMS "model" values, in either of their two XML forms.

LMMS stores a knob or fader value as an attribute of its owner (``vol="100"``), or,
once the value is automated or linked to a controller, as a child element carrying
an id that automation patterns point at (``<vol id="6272167" value="8.9"
scale_type="linear"/>``). LMMS reads the child first, then the attribute; these
helpers do the same, and write back into whichever form is there, so ids (and with
them automation links) are kept.

Numbers read from a file are validated here: a bad one raises
:class:`~lmms_magenta.errors.FileFormatError` naming the file, the element and the
attribute.
"""

from __future__ import annotations

import math
import os
import xml.etree.ElementTree as ET
from typing import TypeVar

from ..errors import FileFormatError

__all__ = ["format_number", "get_float", "get_int", "get_value", "set_value"]

_Number = TypeVar("_Number", int, float)


def format_number(value: float) -> str:
    """A number as LMMS writes it: ``100`` not ``100.0``, up to 10 significant digits."""
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {value}")
    if float(value).is_integer():
        return str(int(value))
    return format(value, ".10g")


def _value_child(elem: ET.Element, name: str) -> ET.Element | None:
    child = elem.find(name)
    if child is not None and "value" in child.attrib:
        return child
    return None


def get_value(elem: ET.Element, name: str) -> str | None:
    """The raw text of model value ``name`` of ``elem`` (child form first), or None."""
    child = _value_child(elem, name)
    if child is not None:
        return child.get("value")
    return elem.get(name)


def set_value(elem: ET.Element, name: str, value: float | int | str) -> None:
    """Set model value ``name`` in place, keeping the form (and id) already used.

    A value that is automated keeps its automation: this sets the value it starts
    from, the automation pattern still drives it during playback.
    """
    text = value if isinstance(value, str) else format_number(value)
    child = _value_child(elem, name)
    if child is not None:
        child.set("value", text)
        if name in elem.attrib:  # both forms present: keep them consistent
            elem.set(name, text)
    else:
        elem.set(name, text)


def _where(elem: ET.Element, name: str) -> str:
    return f"<{elem.tag}> attribute {name!r}"


def _default(
    elem: ET.Element, name: str, default: _Number | None, source: str | os.PathLike[str] | None
) -> _Number:
    """The value of an absent ``name``: ``default``, or an error naming the file."""
    if default is None:
        raise FileFormatError(f"{_where(elem, name)} is missing", path=source)
    return default


def get_float(
    elem: ET.Element,
    name: str,
    default: float | None = None,
    *,
    source: str | os.PathLike[str] | None,
) -> float:
    """Model value ``name`` as a finite float; ``default`` when absent (error if None)."""
    raw = get_value(elem, name)
    if raw is None:
        return _default(elem, name, default, source)
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise FileFormatError(f"{_where(elem, name)} is not a number: {raw!r}", path=source)
    return value


def get_int(
    elem: ET.Element,
    name: str,
    default: int | None = None,
    *,
    source: str | os.PathLike[str] | None,
) -> int:
    """Model value ``name`` as an int (``"3.0"`` accepted); ``default`` when absent."""
    raw = get_value(elem, name)
    if raw is None:
        return _default(elem, name, default, source)
    try:
        return int(raw)
    except ValueError:
        pass
    value = get_float(elem, name, source=source)
    if not value.is_integer() or abs(value) > 2**53:
        raise FileFormatError(f"{_where(elem, name)} is not a whole number: {raw!r}", path=source)
    return int(value)
