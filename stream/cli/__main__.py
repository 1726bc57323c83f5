"""``python -m stream.cli`` runs the ``logwarden`` command (used to spawn workers)."""

from stream.cli import main

main()
