"""gaepod: publish a podcast from a folder of YAML files and audio.

The library a script calls, the same the `gaepod` command runs:

    from pathlib import Path
    import gaepod

    result = gaepod.check_show(Path("episodes"))        # every problem, with file:line
    report = gaepod.build(gaepod.BuildOptions(show=Path("episodes"), out=Path("public")))
    gaepod.import_feed("https://example.org/feed.xml", Path("episodes"))

Names are imported on first use, so that `import gaepod` (every run of the
command) stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .errors import GaepodError, InvalidShowError, LockedError, OutputError
    from .importer import import_feed
    from .publish import EVERYTHING, BuildOptions, BuildReport, Stage, build
    from .show import CheckResult, check_show

_API = {
    "build": "gaepod.publish",
    "BuildOptions": "gaepod.publish",
    "BuildReport": "gaepod.publish",
    "Stage": "gaepod.publish",
    "EVERYTHING": "gaepod.publish",
    "check_show": "gaepod.show",
    "CheckResult": "gaepod.show",
    "import_feed": "gaepod.importer",
    "GaepodError": "gaepod.errors",
    "InvalidShowError": "gaepod.errors",
    "OutputError": "gaepod.errors",
    "LockedError": "gaepod.errors",
}
__all__ = [
    "EVERYTHING",
    "BuildOptions",
    "BuildReport",
    "CheckResult",
    "GaepodError",
    "InvalidShowError",
    "LockedError",
    "OutputError",
    "Stage",
    "__version__",
    "build",
    "check_show",
    "import_feed",
]


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'gaepod' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
