"""`aether serve` as a real process on a loopback port, for the tests that need one."""

import os
import subprocess
import sys
import time

import httpx

from tests.service.conftest import ADMIN_KEY, PEPPER


def start_server(scenario, data, db_url, port) -> subprocess.Popen:
    """The server on 127.0.0.1:port with the clock paused, once /healthz answers."""
    env = {**os.environ, "AETHER_ADMIN_KEY": ADMIN_KEY, "AETHER_PEPPER": PEPPER}
    server = subprocess.Popen([sys.executable, "-m", "aether", "serve", str(scenario), "--port", str(port),
                               "--speed", "0", "--data-dir", str(data), "--db", db_url],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.1)
        assert server.poll() is None, server.stderr.read().decode()
    raise AssertionError("the server did not start")
