"""Fixtures for the LMMS project tests: rendering with the real LMMS program.

Tests that render are marked ``@pytest.mark.lmms`` and use the :func:`render`
fixture, which skips with a reason when ``lmms`` is not on PATH. Helpers shared by
the test modules live in ``lmms_support.py``.
"""

from __future__ import annotations

import pytest

from lmms_magenta.testing import RenderFn


@pytest.fixture(scope="session")
def render(lmms_render: RenderFn) -> RenderFn:
    """``render(project_path, float32=True) -> (samples, rate)``: the testing plugin's
    :func:`~lmms_magenta.testing.render.lmms_render` (skips when lmms is absent)."""
    return lmms_render
