"""Latent helpers: seeded noise, greedy feeds, interpolation and attribute moves."""

from __future__ import annotations

import numpy as np
from lmms_magenta_pattern.sampling import decoder_inputs, gumbel_noise, move_along, slerp


def test_gumbel_noise_is_seeded() -> None:
    a = gumbel_noise(np.random.default_rng(3), 2, 32, 130)
    b = gumbel_noise(np.random.default_rng(3), 2, 32, 130)
    assert a.dtype == np.float32 and a.shape == (2, 32, 130)
    assert (a == b).all() and np.isfinite(a).all()
    # a standard Gumbel has mean ~0.5772
    assert abs(float(a.mean()) - 0.5772) < 0.05


def test_greedy_feed_has_zero_noise() -> None:
    feed = decoder_inputs(np.ones((3, 8)), 0.0, np.random.default_rng(0), vocab=512)
    assert not feed["noise"].any()
    assert feed["temperature"].tolist() == [1.0] * 3
    assert feed["z"].dtype == np.float32


def test_slerp_ends_and_norm() -> None:
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal(16), rng.standard_normal(16)
    assert np.allclose(slerp(a, b, 0.0), a, atol=1e-6)
    assert np.allclose(slerp(a, b, 1.0), b, atol=1e-6)
    a2 = a / np.linalg.norm(a)
    b2 = b / np.linalg.norm(b)
    assert abs(np.linalg.norm(slerp(a2, b2, 0.5)) - 1.0) < 1e-5
    assert np.allclose(slerp(a, a, 0.3), a, atol=1e-5)


def test_move_along() -> None:
    z = np.zeros((2, 4), np.float32)
    assert move_along(z, np.ones(4), -0.5).tolist() == [[-0.5] * 4] * 2
