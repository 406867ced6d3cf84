"""``python -m sanctionsengine`` runs the command line."""

from .cli import main

main()
