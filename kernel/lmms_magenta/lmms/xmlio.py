"""Safe XML parsing and faithful serialisation of LMMS project documents.

Parsing goes through :mod:`defusedxml` with entity declarations and external
references forbidden. LMMS writes a bare ``<!DOCTYPE lmms-project>`` line (a name,
no DTD), so that one form is allowed and remembered; any real DTD - an internal
subset (``[ ... ]``, where entity bombs and attribute defaults live) or a
``SYSTEM``/``PUBLIC`` reference - is refused.

Serialisation writes the same prolog LMMS writes (XML declaration, then the
DOCTYPE line if the source had one) and the element tree as it is: attribute order,
element order, text and whitespace are kept, so parts nobody edited come out
unchanged. Only lexical details may differ (``<a/>`` vs ``<a />``, CDATA sections
written as escaped text), which every XML reader, LMMS included, sees as identical.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from typing import Any

from defusedxml import DefusedXmlException, EntitiesForbidden
from defusedxml.ElementTree import DefusedXMLParser

from ..errors import FileFormatError

__all__ = ["MAX_DEPTH", "parse", "serialize"]

#: Deepest element nesting accepted (LMMS projects nest about 12 levels; the cap keeps
#: recursive tree walks, ElementTree's writer among them, far from Python's limit).
MAX_DEPTH = 200


class _BareDoctypeParser(DefusedXMLParser):  # type: ignore[misc]
    """defusedxml's parser, allowing only a DOCTYPE line without any DTD content."""

    def __init__(self) -> None:
        # The C TreeBuilder, so the tree holds ordinary xml.etree Elements (defusedxml's
        # pure-Python parser would otherwise build elements of a private module copy).
        super().__init__(
            target=ET.TreeBuilder(), forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
        self.doctype: str | None = None

    def defused_start_doctype_decl(
        self, name: str, sysid: str | None, pubid: str | None, has_internal_subset: Any
    ) -> None:
        if sysid is not None or pubid is not None or has_internal_subset:
            raise _DtdRefused
        self.doctype = name


class _DtdRefused(Exception):
    """Raised inside expat's callback; turned into a FileFormatError below."""


def _check_depth(root: ET.Element, source: str | os.PathLike[str]) -> None:
    stack = [(root, 1)]
    while stack:
        elem, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise FileFormatError(f"XML is nested deeper than {MAX_DEPTH} levels", path=source)
        stack.extend((child, depth + 1) for child in elem)


def parse(xml: bytes, *, source: str | os.PathLike[str]) -> tuple[ET.Element, str | None]:
    """Parse project XML; return the root element and the DOCTYPE name (or None).

    Raises :class:`FileFormatError` naming ``source`` for malformed XML, any DTD
    beyond a bare DOCTYPE name, entity declarations, or excessive nesting.
    """
    parser = _BareDoctypeParser()
    try:
        parser.feed(xml)
        root: ET.Element = parser.close()
    except _DtdRefused:
        raise FileFormatError(
            "XML with a DTD (DOCTYPE with declarations or references) is not allowed",
            path=source,
        ) from None
    except EntitiesForbidden:
        raise FileFormatError("XML entity declarations are not allowed", path=source) from None
    except DefusedXmlException:
        raise FileFormatError("XML external references are not allowed", path=source) from None
    except ET.ParseError as err:
        raise FileFormatError(f"not well-formed XML ({err})", path=source) from None
    except (ValueError, LookupError, UnicodeError) as err:  # e.g. an unknown encoding name
        raise FileFormatError(f"unreadable XML ({err})", path=source) from None
    _check_depth(root, source)
    return root, parser.doctype


def _tostring(root: ET.Element) -> str:
    """ElementTree's writer, plus ``&#13;`` for carriage returns in text.

    ElementTree escapes CR in attribute values but writes it raw in text, where every
    XML reader turns it into a line feed (ZynAddSubFX presets in the LMMS demos hold
    such text). It is swapped for NUL - a character no parsed document can contain -
    during writing, then replaced by its character reference; the tree is restored.
    """
    swapped: list[tuple[ET.Element, str | None, str | None]] = []
    for elem in root.iter():
        if (elem.text and "\r" in elem.text) or (elem.tail and "\r" in elem.tail):
            swapped.append((elem, elem.text, elem.tail))
            elem.text = elem.text.replace("\r", "\0") if elem.text else elem.text
            elem.tail = elem.tail.replace("\r", "\0") if elem.tail else elem.tail
    try:
        body = ET.tostring(root, encoding="unicode")
    finally:
        for elem, text, tail in swapped:
            elem.text, elem.tail = text, tail
    return body.replace("\0", "&#13;") if swapped else body


def serialize(root: ET.Element, doctype: str | None) -> bytes:
    """The document as UTF-8 bytes, with the prolog LMMS itself writes."""
    body = _tostring(root)
    prolog = '<?xml version="1.0"?>\n'
    if doctype:
        prolog += f"<!DOCTYPE {doctype}>\n"
    return (prolog + body + "\n").encode("utf-8")
