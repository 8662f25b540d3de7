"""pytest plugins, one per real server the tests start, and chromium.py for the browser tests
(registered in tests/conftest.py).

servers.py holds what the SPARQL server plugins share (free ports, processes, readiness).
"""
