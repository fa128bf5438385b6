"""Fixtures for the pattern feature tests: a kernel and the CLI with the pattern plugin,
input clips written with mido, and rendering with the real LMMS."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pattern_support import PLUGINS, drum_notes, melody_notes

from lmms_magenta.kernel import Kernel
from lmms_magenta.testing import CliResult, CliRunnerFn, KernelFactory, RenderFn, write_midi_clip


@pytest.fixture
def shipped_models() -> Path:
    """The plugin's models folder; skips while the models are not shipped yet."""
    from lmms_magenta_pattern import plugin

    if not (plugin.MODELS_DIR / "drums-vae-2bar-decoder" / "model.json").is_file():
        pytest.skip("the pattern models are not in lmms_magenta_pattern/models yet")
    return plugin.MODELS_DIR


@pytest.fixture
def pattern_kernel(make_lmms_kernel: KernelFactory, shipped_models: Path) -> Kernel:
    """An isolated kernel with the pattern plugin, the model repository and the CPU backend."""
    return make_lmms_kernel(PLUGINS)


@pytest.fixture
def run_feature(pattern_kernel: Kernel) -> Callable[..., Any]:
    """``run_feature("generate.drums", bars=2, ...)``: the feature's result."""

    def run(name: str, **params: Any) -> Any:
        return pattern_kernel.feature(name)(pattern_kernel, **params)

    return run


@pytest.fixture
def pattern_cli(lmms_cli: CliRunnerFn, shipped_models: Path) -> Callable[..., CliResult]:
    """``pattern_cli("generate", "drums", "-o", OUT, ...)``: the real CLI."""

    def run(*args: str | os.PathLike[str]) -> CliResult:
        return lmms_cli(*args, enable=PLUGINS)

    return run


@pytest.fixture
def drum_midi(tmp_path: Path) -> Path:
    """A quantized 4-bar rock beat at 100 bpm (written with mido, not the kernel)."""
    return write_midi_clip(tmp_path / "rock.mid", drum_notes(4), bpm=100, name="Rock")


@pytest.fixture
def other_drum_midi(tmp_path: Path) -> Path:
    """A sparse 4-bar beat: kick on 1, snare on 3, a crash at the start."""
    return write_midi_clip(tmp_path / "sparse.mid", drum_notes(4, busy=False), bpm=100)


@pytest.fixture
def melody_midi(tmp_path: Path) -> Path:
    """A 4-bar melody in G major (MIDI channel 1) at 110 bpm."""
    return write_midi_clip(tmp_path / "tune.mid", melody_notes(), bpm=110, name="Tune")


@pytest.fixture(scope="session")
def render(lmms_render: RenderFn) -> Callable[[Path], Any]:
    """``render(project) -> float32 samples [frames, 2]`` with the real LMMS (headless,
    retried when LMMS crashes mid-render; skips when lmms is not installed)."""
    return lambda project: lmms_render(project)[0]
