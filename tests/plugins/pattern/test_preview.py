"""The PNG piano roll (``--preview``): a real image with one panel per clip."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lmms_magenta.errors import UserError
from lmms_magenta.music import DRUM_CHANNEL, Clip, Note

plt = pytest.importorskip("matplotlib.pyplot", reason="previews are drawn with matplotlib")
Run = Callable[..., Any]


def _image(path: Path) -> np.ndarray:
    img = plt.imread(path)
    assert img.ndim == 3 and img.shape[2] in (3, 4)
    return np.asarray(img[..., :3])


def _colored_pixels(img: np.ndarray, rgb: tuple[int, int, int]) -> int:
    target = np.array(rgb) / 255
    return int((np.abs(img - target).max(axis=2) < 0.25).sum())


def test_drum_preview_has_one_panel_per_clip(run_feature: Run, tmp_path: Path) -> None:
    one, four = tmp_path / "one.png", tmp_path / "four.png"
    run_feature("generate.drums", bars=2, count=1, seed=1, preview=one)
    res = run_feature("generate.drums", bars=2, count=4, seed=1, preview=four)
    assert res.preview == four and four in res.paths
    a, b = _image(one), _image(four)
    assert b.shape[0] > 3 * a.shape[0] * 0.7  # taller: four panels
    assert _colored_pixels(b, (0xC0, 0x39, 0x2B)) > _colored_pixels(a, (0xC0, 0x39, 0x2B)) > 100


def test_melody_preview(run_feature: Run, tmp_path: Path) -> None:
    png = tmp_path / "tune.png"
    run_feature("generate.melody", bars=4, seed=2, preview=png)
    assert _colored_pixels(_image(png), (0x2C, 0x6F, 0xBB)) > 100


def test_preview_draws_exactly_the_notes(tmp_path: Path) -> None:
    from lmms_magenta_pattern.preview import write_preview

    empty, full = tmp_path / "empty.png", tmp_path / "full.png"
    hits = [Note(36, 100, s * 120, 60, DRUM_CHANNEL) for s in range(16)]
    write_preview([Clip([], is_drum=True, length=1920, name="empty")], empty)
    write_preview([Clip(hits, is_drum=True, length=1920, name="kicks")], full)
    assert _colored_pixels(_image(empty), (0xC0, 0x39, 0x2B)) == 0
    assert _colored_pixels(_image(full), (0xC0, 0x39, 0x2B)) > 100


def test_an_unwritable_preview_is_a_user_error(tmp_path: Path) -> None:
    from lmms_magenta_pattern.preview import write_preview

    clip = Clip([Note(60, 100, 0, 480)], name="c")
    with pytest.raises(UserError, match="cannot write the preview"):
        write_preview([clip], tmp_path / "missing" / "x.png")
