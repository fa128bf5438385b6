"""Tiny plugin distributions written straight to disk, for the SDK tests.

:func:`write_dist` lays a plugin out exactly as ``pip install --target`` leaves it (a
package plus its ``*.dist-info`` with ``METADATA`` and ``entry_points.txt``), which is
all :mod:`importlib.metadata`, and so the kernel's discovery, reads. Writing it
directly keeps these tests fast; ``test_template.py`` installs a real build with pip.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

HELLO = '''
"""sdkhello: one feature, and life-cycle hooks that log to $SDKHELLO_LOG."""
import os

from lmms_magenta.hookspecs import hookimpl


def _log(event):
    path = os.environ.get("SDKHELLO_LOG")
    if path:
        with open(path, "a") as fh:
            fh.write(event + "\\n")


def _run(kernel, params):
    return " ".join([params["word"]] * params["times"])


@hookimpl
def lmms_magenta_features():
    from lmms_magenta.features import Feature
    from lmms_magenta.params import Choice, Integer, Schema

    schema = Schema(
        Choice("word", default="la", choices=("la", "dum")),
        Integer("times", default=2, min=1, max=8),
    )
    return [Feature("sdkhello.sing", "Sing", "Sing a word", schema, _run)]


@hookimpl
def lmms_magenta_startup(kernel):
    _log("startup")


@hookimpl
def lmms_magenta_shutdown(kernel):
    _log("shutdown")
'''

BROKEN = """
raise ImportError("sdkbroken needs the library 'nonexistent' which is not installed")
"""


def write_dist(site: Path, name: str, source: str, *, requires: str = "lmms-magenta>=0.1") -> None:
    """Write plugin ``name`` (dist ``lmms-magenta-<name>``) into ``site``."""
    package = site / f"lmms_magenta_{name}"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(textwrap.dedent(source))
    info = site / f"lmms_magenta_{name}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\n"
        f"Name: lmms-magenta-{name}\n"
        "Version: 1.0\n"
        f"Summary: SDK test plugin {name}\n"
        "Keywords: lmms-magenta-feature\n"
        f"Requires-Dist: {requires}\n"
    )
    (info / "entry_points.txt").write_text(
        f"[lmms_magenta.plugins]\n{name} = lmms_magenta_{name}\n"
    )
    (info / "top_level.txt").write_text(f"lmms_magenta_{name}\n")
