"""The training model: the factorized drum decoder and the exported sampling step."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch", reason="the training model needs the train extra (torch)")


def _random_weights(model: torch.nn.Module) -> None:
    """Weights large enough that the logits differ clearly from one another."""
    gen = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=gen) * 0.3)


def test_factorized_drum_decoder_folds_into_the_same_function() -> None:
    from lmms_magenta_pattern.training.model import PatternVAE, VAEConfig

    cfg = VAEConfig("drums", 512, steps=8, embed=8, enc_hidden=16, dec_hidden=16, z_dim=8)
    model = PatternVAE(VAEConfig(**{**cfg.to_dict(), "factorized": True}))
    _random_weights(model)
    model.eval()
    plain = model.folded()
    assert not plain.cfg.factorized and plain.decoder.out.weight.shape == (512, 16)
    z = torch.randn(6, 8, generator=torch.Generator().manual_seed(2))
    targets = torch.randint(0, 512, (6, 8), generator=torch.Generator().manual_seed(3))
    torch.testing.assert_close(plain.decoder(z, targets), model.decoder(z, targets))
    assert torch.equal(plain.greedy(z), model.greedy(z))


def test_factorized_decoder_needs_drums() -> None:
    from lmms_magenta_pattern.training.model import PatternVAE, VAEConfig

    with pytest.raises(ValueError, match="drum combinations"):
        PatternVAE(VAEConfig("melody", 130, factorized=True))


@pytest.mark.parametrize("kind", ["melody", "drums"])
def test_one_hot_sampling_equals_argmax_sampling(kind: str) -> None:
    """The exported step (one-hot from max/clip/ceil) picks what argmax picks."""
    from lmms_magenta_pattern.training.model import PatternVAE, SamplingDecoder, VAEConfig

    vocab = 130 if kind == "melody" else 512
    model = PatternVAE(VAEConfig(kind, vocab, steps=8, embed=8, dec_hidden=16, z_dim=8))
    _random_weights(model)
    model.eval()
    gen = torch.Generator().manual_seed(4)
    z = torch.randn(5, 8, generator=gen)
    noise = -torch.log(-torch.log(torch.rand(5, 8, vocab, generator=gen)))
    temperature = torch.full((5,), 0.7)
    with torch.no_grad():
        tokens, _logits = SamplingDecoder(model.decoder)(z, noise, temperature)
        dec = model.decoder
        h = dec.initial_state(z)
        prev = torch.full((5,), vocab, dtype=torch.long)
        want = []
        for t in range(8):
            lg, h = dec.step(prev, z, h)
            prev = torch.argmax(lg / 0.7 + noise[:, t], dim=-1)
            want.append(prev)
    assert tokens.dtype == torch.int64
    assert torch.equal(tokens, torch.stack(want, dim=1))
    assert len(set(tokens.flatten().tolist())) > 5  # the noise really moved the choices
