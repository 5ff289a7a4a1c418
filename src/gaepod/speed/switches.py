"""Each speed-up can be turned off, to show that it changes nothing but the time.

`GAEPOD_SPEEDUPS=off` turns every one off; `GAEPOD_SPEEDUPS=-memo,-splice`
only those named. The tests build a show both ways and compare every byte;
bench/run.py measures what each one saves. The names:

- cache: reuse what unchanged files produced, skip outputs whose inputs did not change
- noop: answer "nothing changed" from file stamps alone
- memo: keep the results of pure text functions between builds
- parallel: spread the big loops over every core
- collector: pause Python's cycle collector during a build
- splice: copy unchanged feed items from the last feed.xml instead of rendering them
- ahead: do the next step's work while helper processes do this one's, or while the
  disk flushes the new files (imports, the ledger, the plan, saving the cache)
"""

from __future__ import annotations

import functools
import os

NAMES = frozenset({"cache", "noop", "memo", "parallel", "collector", "splice", "ahead"})
VARIABLE = "GAEPOD_SPEEDUPS"


@functools.cache
def _disabled(setting: str) -> frozenset[str]:
    words = {word.strip() for word in setting.split(",") if word.strip()}
    if words & {"off", "none", "0"}:
        return NAMES
    return frozenset(word[1:] for word in words if word.startswith("-")) & NAMES


def enabled(name: str) -> bool:
    """True unless the environment turned the speed-up `name` off."""
    assert name in NAMES, name
    return name not in _disabled(os.environ.get(VARIABLE, ""))
