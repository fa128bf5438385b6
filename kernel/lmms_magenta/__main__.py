"""``python -m lmms_magenta``: the same as the ``lmms-magenta`` command."""

import sys

from .cli import main

sys.exit(main())
