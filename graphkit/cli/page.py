"""Commands of this feature (filled in by its issue)."""
COMMANDS = ()
