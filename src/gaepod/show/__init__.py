"""The show folder read and checked: bytes -> positioned YAML -> model + diagnostics.

Everything that looks at the host's files without changing published ones:
YAML loading, the field rules for podcast.yaml and each episode, artwork and
audio probing, the show's own pages, the guid ledger, and `gaepod new`.
"""

from .check import CheckResult, check_show, episode_files, recheck

__all__ = ["CheckResult", "check_show", "episode_files", "recheck"]
