"""Tagging audio files: the tags each episode's file should carry, written safely.

Wanted tags are computed from the model (pure); a file is rewritten only when
its tags differ, on a copy that is verified before it replaces the original.
"""

from .tag import TaggedFile, TagReport, tag_show, untagged_warnings

__all__ = ["TagReport", "TaggedFile", "tag_show", "untagged_warnings"]
