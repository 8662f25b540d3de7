"""Which processes are alive: for cleaning up what a killed graphkit process left behind (the
embedded FalkorDB's working folders, a build's staging folders), named after its pid."""
from __future__ import annotations

import os


def pid_alive(pid: int) -> bool:
    """True if a process with this pid exists (also one of another user)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
