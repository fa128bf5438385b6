"""Fixtures for the SDK tests (plugin distributions from :mod:`sdk_dists`)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sdk_dists import BROKEN, HELLO, write_dist


@pytest.fixture
def sdk_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A site directory with plugins ``sdkhello`` (works) and ``sdkbroken`` (import fails),
    put on ``sys.path`` for the test; their modules are forgotten afterwards."""
    site = tmp_path / "site"
    write_dist(site, "sdkhello", HELLO)
    write_dist(site, "sdkbroken", BROKEN)
    monkeypatch.syspath_prepend(str(site))
    yield site
    for name in [
        m for m in sys.modules if m.startswith(("lmms_magenta_sdkhello", "lmms_magenta_sdkbroken"))
    ]:
        del sys.modules[name]
