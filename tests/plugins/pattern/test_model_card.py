"""What the model cards say about training (no torch needed)."""

from __future__ import annotations

from lmms_magenta_pattern.training.card import training_minutes


def test_training_minutes_add_up_over_resumed_sessions() -> None:
    # two sessions: 0-20 min, then resumed and counting from 0 again to 15 min
    history = [{"minutes": m} for m in (5.0, 20.0, 4.0, 15.0)]
    assert training_minutes(history) == 35.0


def test_training_minutes_of_one_session_is_its_last_value() -> None:
    assert training_minutes([{"minutes": 1.5}, {"minutes": 3.0}]) == 3.0
    assert training_minutes([]) == 0.0
