"""Shared fixtures for the groove plugin tests: where the Groove MIDI Dataset and the model are."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def groove_data() -> Path:
    """The Groove MIDI Dataset folder (``LMMS_MAGENTA_GROOVE_DATA`` or ../shared/data/groove)."""
    path = Path(os.environ.get("LMMS_MAGENTA_GROOVE_DATA", REPO.parent / "shared/data/groove"))
    if not (path / "info.csv").exists():
        pytest.skip(f"Groove MIDI Dataset not found at {path} (set LMMS_MAGENTA_GROOVE_DATA)")
    return path
