"""`python -m fediverse_hit` runs the same CLI as the `fediverse-hit` console script."""

from fediverse_hit.cli import main

main()
