"""An embedded FalkorDB started from a short-lived thread outlives that thread.

The server asks Linux to stop it when the thread that started it ends (PR_SET_PDEATHSIG):
graphkit starts every server from one long-lived launcher thread, so a library caller's
worker thread can open the engine and return.
"""
from __future__ import annotations

import threading
import time

import pytest

from graphkit.cypher.server import FalkorDBServer

pytestmark = pytest.mark.server


def test_server_started_in_a_thread_survives_the_thread(tmp_path):
    started: list[FalkorDBServer] = []
    thread = threading.Thread(target=lambda: started.append(FalkorDBServer(tmp_path / "db").start()))
    thread.start()
    thread.join()
    assert not thread.is_alive()
    server = started[0]
    try:
        time.sleep(0.5)  # the signal is delivered at once when it fires; give it time to be seen
        assert server.process is not None and server.process.poll() is None
        assert server.graph("probe").query("RETURN 1 + 1").result_set == [[2]]
    finally:
        server.stop()
