"""lmms-magenta groove feature: GrooVAE-style humanize and tap-to-drums for drum patterns."""

__version__ = "0.1.0"
