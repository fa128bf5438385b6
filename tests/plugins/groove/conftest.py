"""Shared fixtures for the groove plugin tests: generated MIDI clips, the CLI with the
groove plugins, and rendering with the real LMMS (the Groove MIDI Dataset fixture,
``groove_data``, is in tests/conftest.py)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from groove_support import PLUGINS, funk_notes

from lmms_magenta.testing import CliResult, CliRunnerFn, RenderFn, write_midi_clip

# --- feature tests: generated MIDI clips, the CLI, the real LMMS ----------------------------


@pytest.fixture
def funk_midi(tmp_path: Path) -> Path:
    """A quantized 4-bar funk beat at 100 bpm (written with mido, not the kernel)."""
    return write_midi_clip(tmp_path / "funk.mid", funk_notes(4), bpm=100, name="Funk")


@pytest.fixture
def groove_cli(lmms_cli: CliRunnerFn) -> Callable[..., CliResult]:
    """``groove_cli("humanize", IN, "-o", OUT, ...)``: the real CLI with the groove plugins."""

    def run(*args: str | os.PathLike[str]) -> CliResult:
        return lmms_cli("groove", *args, enable=PLUGINS)

    return run


@pytest.fixture(scope="session")
def render(lmms_render: RenderFn) -> Callable[[Path], Any]:
    """``render(project) -> float32 samples [frames, 2]`` with the real LMMS (headless,
    retried when LMMS crashes mid-render; skips when lmms is not installed)."""
    return lambda project: lmms_render(project)[0]
