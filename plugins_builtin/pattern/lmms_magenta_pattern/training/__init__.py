"""Training, evaluation and export of the pattern VAEs (needs the ``train`` extra)."""
