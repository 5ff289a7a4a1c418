"""`gaepod import`: an existing podcast feed -> a show folder gaepod can publish.

Uses the show package and the core only: what it writes is what `gaepod check`
accepts, and nothing a podcast app already holds changes.
"""

from .feed_import import FeedImportError, ImportReport, import_feed

__all__ = ["FeedImportError", "ImportReport", "import_feed"]
