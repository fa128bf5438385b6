"""Helpers for the LMMS project tests: the demo projects, XML comparison, audio checks.

Tests that render are marked ``@pytest.mark.lmms`` and use the :func:`render`
fixture, which skips with a reason when ``lmms`` is not on PATH. The demo projects
ship with LMMS (``/usr/share/lmms/projects``; override with ``LMMS_PROJECTS``).
"""

from __future__ import annotations

import os
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

LMMS = shutil.which("lmms")
PROJECTS_DIR = Path(os.environ.get("LMMS_PROJECTS", "/usr/share/lmms/projects"))
DEMO_FILES = sorted(
    p
    for sub in ("demos", "shorties", "tutorials")
    for p in (PROJECTS_DIR / sub).rglob("*")
    if p.suffix in (".mmp", ".mmpz")
)
#: Small demos that render in a few seconds, identically run to run (measured: Skiessi-C64,
#: Skiessi-222, Surrender-Main and DirtyLove do not - their renders vary between runs).
FAST_DEMOS = ("CapDan-ReggaeTry.mmpz", "Greshz-CoolSnip.mmpz", "Crunk(Demo).mmp")


def demo(name: str) -> Path:
    """Path of a demo project by file name; skips when the demos are not installed."""
    for path in DEMO_FILES:
        if path.name == name:
            return path
    pytest.skip(f"LMMS demo project {name} not found under {PROJECTS_DIR} (LMMS not installed)")


def needs_demos() -> None:
    if not DEMO_FILES:
        pytest.skip(f"no LMMS demo projects under {PROJECTS_DIR} (LMMS not installed)")


def xml_difference(a: ET.Element, b: ET.Element) -> str | None:
    """None when the trees are semantically equal (same elements in the same order,
    same attributes and values, same non-blank text); else where they first differ."""
    stack: list[tuple[ET.Element, ET.Element, str]] = [(a, b, a.tag)]
    while stack:
        x, y, where = stack.pop()
        if x.tag != y.tag:
            return f"{where}: tag {x.tag} != {y.tag}"
        if x.attrib != y.attrib:
            return f"{where}: attributes {x.attrib} != {y.attrib}"
        if (x.text or "").strip() != (y.text or "").strip():
            return f"{where}: text differs"
        if len(x) != len(y):
            return f"{where}: {len(x)} children != {len(y)}"
        stack.extend(
            (cx, cy, f"{where}/{cx.tag}[{i}]") for i, (cx, cy) in enumerate(zip(x, y, strict=True))
        )
    return None
