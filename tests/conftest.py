"""Settings and data shared by the whole test tree.

``groove_data``: the Groove MIDI Dataset folder (``LMMS_MAGENTA_GROOVE_DATA``, else
``../shared/data/groove`` beside the repository); tests that need it skip without it.

Hypothesis: under CI (``CI=true``, as ``.ci/run`` is called) the property tests are
derandomized, so a submission's result does not depend on luck; locally they explore
new examples on every run and remember failures in ``.hypothesis/``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

REPO = Path(__file__).resolve().parents[1]

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(scope="session")
def groove_data() -> Path:
    """The Groove MIDI Dataset folder (skips the test when it is not there)."""
    path = Path(os.environ.get("LMMS_MAGENTA_GROOVE_DATA", REPO.parent / "shared/data/groove"))
    if not (path / "info.csv").exists():
        pytest.skip(f"Groove MIDI Dataset not found at {path} (set LMMS_MAGENTA_GROOVE_DATA)")
    return path
