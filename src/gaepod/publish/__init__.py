"""The one pipeline every command runs, and the files it publishes.

from gaepod.publish import BuildOptions, Stage, build
report = build(BuildOptions(show=Path("episodes"), stages=frozenset({Stage.FEED})))
"""

from .options import EVERYTHING, BuildOptions, BuildReport, Stage
from .pipeline import build

__all__ = ["EVERYTHING", "BuildOptions", "BuildReport", "Stage", "build"]
