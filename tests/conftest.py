"""Settings for the whole test tree.

Hypothesis: under CI (``CI=true``, as ``.ci/run`` is called) the property tests are
derandomized, so a submission's result does not depend on luck; locally they explore
new examples on every run and remember failures in ``.hypothesis/``.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
