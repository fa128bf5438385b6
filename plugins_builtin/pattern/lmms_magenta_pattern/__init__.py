"""lmms-magenta pattern generation: 2-bar drum and melody patterns from MusicVAE-style models."""

__version__ = "0.1.0"
