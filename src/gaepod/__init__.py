"""gaepod: publish a podcast from a folder of YAML files and audio."""

__version__ = "0.1.0"
