"""Where new patterns start in latent space: around a style, or around every style."""

from __future__ import annotations

import numpy as np
from lmms_magenta_pattern.latent import STYLE_SPREAD, start_points
from lmms_magenta_pattern.sampling import LatentInfo
from lmms_magenta_pattern.styles import ANY


def info() -> LatentInfo:
    """Three styles far apart in a 4-dim latent space; "b" is 8 times as common as "a"."""
    means = np.array([[10, 0, 0, 0], [0, 10, 0, 0], [0, 0, 10, 0]], np.float32)
    return LatentInfo(
        {
            "style_names": np.array(["a", "b", "c"]),
            "style_means": means,
            "style_counts": np.array([100, 800, 100]),
            "mu_mean": means.mean(axis=0),
            "mu_std": np.ones(4, np.float32),
        }
    )


def nearest_style(points: np.ndarray, lat: LatentInfo) -> np.ndarray:
    d = np.linalg.norm(points[:, None, :] - lat.style_means[None], axis=-1)
    return np.asarray(d.argmin(axis=1))


def test_a_style_draws_around_its_own_region() -> None:
    lat = info()
    z = start_points(lat, "c", 500, np.random.default_rng(0))
    assert z.shape == (500, 4) and z.dtype == np.float32
    assert (nearest_style(z, lat) == 2).all()
    np.testing.assert_allclose(z.std(axis=0), STYLE_SPREAD, atol=0.06)


def test_any_draws_around_every_style_as_often_as_the_data_has_it() -> None:
    lat = info()
    z = start_points(lat, ANY, 2000, np.random.default_rng(1))
    share = np.bincount(nearest_style(z, lat), minlength=3) / len(z)
    np.testing.assert_allclose(share, [0.1, 0.8, 0.1], atol=0.03)
    # never between the clusters, where one broad Gaussian over all of them would land
    dist = np.linalg.norm(z - lat.style_means[nearest_style(z, lat)], axis=1)
    assert dist.max() < 6 * STYLE_SPREAD


def test_same_seed_same_points() -> None:
    a = start_points(info(), ANY, 8, np.random.default_rng(3))
    b = start_points(info(), ANY, 8, np.random.default_rng(3))
    np.testing.assert_array_equal(a, b)


def test_a_style_region_keeps_its_shape_when_the_file_has_it() -> None:
    """With ``style_scales`` the draws follow the style's covariance: here two latent
    dimensions that always move together in the style's training patterns."""
    lat = info()
    scale = np.eye(4, dtype=np.float32)
    scale[1] = [1.0, 0.1, 0.0, 0.0]  # dim 1 = dim 0 (+ a little of its own)
    lat.style_scales = np.stack([scale] * 3)
    z = start_points(lat, "b", 4000, np.random.default_rng(2))
    moved = z - lat.style_means[1]
    assert np.corrcoef(moved[:, 0], moved[:, 1])[0, 1] > 0.95
    assert abs(np.corrcoef(moved[:, 0], moved[:, 2])[0, 1]) < 0.1
    np.testing.assert_allclose(moved.mean(axis=0), 0.0, atol=0.05)


def test_shipped_latents_have_a_sound_region_shape_per_style() -> None:
    from lmms_magenta_pattern.plugin import MODELS_DIR
    from lmms_magenta_pattern.sampling import load_latent_info

    for name in ("drums-vae-2bar-decoder", "melody-vae-2bar-decoder"):
        lat = load_latent_info(MODELS_DIR / name / "latents.npz")
        assert lat.style_scales is not None
        styles, z_dim = lat.style_means.shape
        assert lat.style_scales.shape == (styles, z_dim, z_dim)
        # lower-triangular Cholesky factors with a positive diagonal
        assert np.allclose(lat.style_scales, np.tril(lat.style_scales))
        assert (np.diagonal(lat.style_scales, axis1=1, axis2=2) > 0).all()
