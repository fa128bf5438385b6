"""The styles the feature offers are exactly those the shipped models have a mean for."""

from __future__ import annotations

from pathlib import Path

import pytest
from lmms_magenta_pattern.sampling import load_latent_info
from lmms_magenta_pattern.styles import ANY, DRUM_STYLES, MELODY_STYLES


@pytest.mark.parametrize(("kind", "styles"), [("drums", DRUM_STYLES), ("melody", MELODY_STYLES)])
def test_offered_styles_match_the_latents(
    shipped_models: Path, kind: str, styles: tuple[str, ...]
) -> None:
    info = load_latent_info(shipped_models / f"{kind}-vae-2bar-decoder" / "latents.npz")
    assert styles[0] == ANY
    assert sorted(styles[1:]) == sorted(info.styles)
