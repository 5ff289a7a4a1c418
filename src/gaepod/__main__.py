"""`python -m gaepod` runs the command line."""

from .cli import main

main()
