"""The `gaepod` command line: a thin typer shell over gaepod's library.

Importing this package registers every command on `app`.
"""

from . import deploying, publishing, workspace  # noqa: F401  (each registers its commands)
from .app import app, main

__all__ = ["app", "main"]
