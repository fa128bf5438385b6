"""Measuring the pattern feature (developers; numpy + onnxruntime, no torch).

:mod:`.style_check` trains a small style classifier on the training windows and asks
it which style the feature's generated patterns are in (docs/pattern.md).
"""
