"""`python -m gaepod` runs the command line."""

from .cli.app import main

main()
