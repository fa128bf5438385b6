"""Multinomial logistic regression in numpy: the smallest honest style classifier.

Features are standardized with the training set's mean and spread; the loss is the
class-balanced cross-entropy (every style weighs the same, so a big style like rock
cannot win by being common) plus an L2 penalty; full-batch gradient descent with Adam.
Deterministic: zero initial weights, no sampling.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["SoftmaxClassifier", "balanced_accuracy"]


def _softmax(logits: np.ndarray) -> np.ndarray:
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return np.asarray(e / e.sum(axis=1, keepdims=True))


@dataclass
class SoftmaxClassifier:
    """Weights ``[features + 1, classes]`` and the standardization of the features."""

    weights: np.ndarray
    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def fit(
        cls,
        x: np.ndarray,
        y: np.ndarray,
        n_classes: int,
        *,
        l2: float = 1e-3,
        steps: int = 400,
        lr: float = 0.05,
    ) -> SoftmaxClassifier:
        """Train on features ``x`` ``[n, f]`` with labels ``y`` in ``0..n_classes-1``."""
        mean, std = x.mean(axis=0), x.std(axis=0) + 1e-6
        xs = np.hstack([(x - mean) / std, np.ones((len(x), 1))]).astype(np.float64)
        counts = np.bincount(y, minlength=n_classes).astype(np.float64)
        sample_w = (1.0 / np.maximum(counts, 1))[y]
        sample_w /= sample_w.sum()
        onehot = np.eye(n_classes)[y]
        w = np.zeros((xs.shape[1], n_classes))
        m, v = np.zeros_like(w), np.zeros_like(w)
        for t in range(1, steps + 1):
            p = _softmax(xs @ w)
            grad = xs.T @ ((p - onehot) * sample_w[:, None]) + l2 * w
            m = 0.9 * m + 0.1 * grad
            v = 0.999 * v + 0.001 * grad**2
            w -= lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
        return cls(w, mean, std)

    def predict(self, x: np.ndarray) -> np.ndarray:
        """The most likely class per row."""
        xs = np.hstack([(x - self.mean) / self.std, np.ones((len(x), 1))])
        return np.asarray(np.argmax(xs @ self.weights, axis=1))


def balanced_accuracy(y: np.ndarray, pred: np.ndarray, n_classes: int) -> float:
    """Mean over the classes present in ``y`` of the share predicted right."""
    recalls = [float((pred[y == c] == c).mean()) for c in range(n_classes) if (y == c).any()]
    return float(np.mean(recalls))
