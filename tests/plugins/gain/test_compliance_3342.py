"""EBU Tech 3342 loudness range, cases 1-4 synthesized from Table 1: LRA within +-1 LU.

At 48, 44.1 and 96 kHz, stereo and mono; and the note under Table 1: repeating a
signal does not change its LRA.
"""

from __future__ import annotations

import ebu_signals as sig
import numpy as np
import pytest
from lmms_magenta_gain.measure import LoudnessMeter

EXPECTED = {1: 10.0, 2: 5.0, 3: 20.0, 4: 15.0}


@pytest.mark.parametrize("case", sorted(EXPECTED))
@pytest.mark.parametrize("channels", [2, 1], ids=["stereo", "mono"])
def test_loudness_range(
    case: int, channels: int, rate: int, meter: LoudnessMeter, mono_meter: LoudnessMeter
) -> None:
    use = meter if channels == 2 else mono_meter
    lra = use.measure(sig.case_3342(case, rate, channels)).loudness_range
    assert lra == pytest.approx(EXPECTED[case], abs=1.0)


def test_repeating_the_signal_keeps_the_range(rate: int, meter: LoudnessMeter) -> None:
    once = sig.case_3342(1, rate)
    twice = np.concatenate([once, once], axis=1)
    assert meter.measure(twice).loudness_range == pytest.approx(10.0, abs=1.0)


def test_steady_tone_has_no_range(rate: int, meter: LoudnessMeter) -> None:
    assert meter.measure(sig.tone(10.0, -20.0, rate)).loudness_range == pytest.approx(0, abs=0.1)
