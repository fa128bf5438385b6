"""What every typed view of a project shares: its element, its project, tree edits.

A *view* (a track, a pattern, a mixer channel) is a thin object around one element
of the project's ElementTree. Reading goes straight to the XML; editing changes the
element in place, so everything the view does not touch - attributes it does not
know, plugin settings, child elements of newer LMMS versions - stays as it was.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from typing import Protocol

from .values import get_float, get_int

__all__ = ["ProjectContext", "View", "insert_child"]

_INDENT = "  "


class ProjectContext(Protocol):
    """What a view needs to know about its project."""

    @property
    def source(self) -> str | os.PathLike[str] | None:
        """The project's file, named in error messages."""

    @property
    def ticks_per_bar(self) -> int:
        """Length of one bar in LMMS ticks (192 in 4/4)."""

    @property
    def root(self) -> ET.Element:
        """The document's root element."""


class View:
    """Base of all typed views: one element plus the project it belongs to."""

    def __init__(self, element: ET.Element, project: ProjectContext) -> None:
        self.element = element
        self.project = project

    @property
    def source(self) -> str | os.PathLike[str] | None:
        """The project's file, named in error messages."""
        return self.project.source

    def _int(self, name: str, default: int | None = None, elem: ET.Element | None = None) -> int:
        el = self.element if elem is None else elem
        return get_int(el, name, default, source=self.source)

    def _float(
        self, name: str, default: float | None = None, elem: ET.Element | None = None
    ) -> float:
        el = self.element if elem is None else elem
        return get_float(el, name, default, source=self.source)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, View) and type(other) is type(self) and other.element is self.element
        )

    def __hash__(self) -> int:
        return id(self.element)


def _depth(root: ET.Element, target: ET.Element) -> int | None:
    """How deep ``target`` sits below ``root`` (0 for the root), or None."""
    stack = [(root, 0)]
    while stack:
        elem, depth = stack.pop()
        if elem is target:
            return depth
        stack.extend((child, depth + 1) for child in elem)
    return None


def _indents(parent: ET.Element, root: ET.Element | None) -> tuple[str, str] | None:
    """(whitespace before a child, whitespace before the parent's end tag), or None
    when the document is not indented."""
    text = parent.text
    if len(parent) and text and "\n" in text and not text.strip():
        closing = parent[-1].tail
        if closing is None or closing.strip():
            closing = text[: -len(_INDENT)] if text.endswith(_INDENT) else text
        return text, closing
    if root is not None and parent.tail and "\n" in parent.tail and not parent.tail.strip():
        depth = _depth(root, parent)
        if depth is not None:
            return "\n" + _INDENT * (depth + 1), "\n" + _INDENT * depth
    return None


def insert_child(
    parent: ET.Element, index: int, child: ET.Element, *, root: ET.Element | None = None
) -> ET.Element:
    """Insert ``child`` at ``index`` (``len(parent)`` appends), indented like its siblings.

    ``root`` (the document root) lets an empty ``parent`` find its own depth. Only
    whitespace around the new element is touched, so the rest of the file
    serialises exactly as before.
    """
    index = max(0, min(index, len(parent)))
    indents = _indents(parent, root)
    if indents is not None:
        indent, closing = indents
        level = len(indent.rsplit("\n", 1)[-1]) // len(_INDENT)
        ET.indent(child, space=_INDENT, level=level)
        if not len(parent):
            parent.text = indent
            child.tail = closing
        elif index == len(parent):
            last = parent[-1]
            child.tail = last.tail
            last.tail = indent
        else:
            child.tail = indent
    parent.insert(index, child)
    return child
