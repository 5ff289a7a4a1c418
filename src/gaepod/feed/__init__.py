"""The RSS feed: model -> feed bytes (feedgen and gaepod's namespace extension), and
what subscribers would see change between two feeds."""

from .rss import FEED_PATH, render, size_warning

__all__ = ["FEED_PATH", "render", "size_warning"]
