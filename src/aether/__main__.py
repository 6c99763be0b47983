"""`python -m aether`: the same command line as `aether`."""

from aether.cli import main

main()
