"""The kernel's version, read by ``--version`` and by plugin requirement checks."""

__version__ = "0.1.0"
