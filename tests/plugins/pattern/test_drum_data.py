"""The drum data builder on real Groove MIDI Dataset files (skipped without the data)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from lmms_magenta_pattern.drum_codec import classes_to_hits, hits_to_classes
from lmms_magenta_pattern.training.drum_data import _performance_grid, primary_style


def test_primary_style() -> None:
    assert primary_style("funk/purdieshuffle") == "funk"
    assert primary_style("Rock") == "rock"


def test_a_real_performance_becomes_a_grid_of_classes(groove_data: Path) -> None:
    with (groove_data / "info.csv").open(newline="", encoding="utf-8") as f:
        row = next(r for r in csv.DictReader(f) if r["time_signature"] == "4-4")
    grid, why = _performance_grid(groove_data / row["midi_filename"])
    assert grid is not None and why == ""
    assert grid.hits.shape[1] == 9 and grid.steps % 16 == 0 and grid.hits.any()
    classes = hits_to_classes(grid.hits)
    assert classes.max() < 512
    assert (classes_to_hits(classes) == grid.hits).all()
    # a drum performance hits something on most beats
    beats = grid.hits[::4].any(axis=1)
    assert float(np.mean(beats)) > 0.5


def test_other_meters_are_skipped_with_a_reason(groove_data: Path) -> None:
    with (groove_data / "info.csv").open(newline="", encoding="utf-8") as f:
        row = next((r for r in csv.DictReader(f) if r["time_signature"] == "6-8"), None)
    if row is None:
        pytest.skip("no 6/8 performance in this copy of the dataset")
    grid, why = _performance_grid(groove_data / row["midi_filename"])
    assert grid is None and why == "meter 6/8"
