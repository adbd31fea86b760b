"""`neutroguide review` as a real process: it serves the sign-in page and signs an operator in."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support.http import local_tls
from tests.support.review import PASSWORD, ROOT, csrf_of, seeded_database

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_review_serves_sign_in_and_the_inbox(tmp_path: Path) -> None:
    url = seeded_database(tmp_path / "served.db")
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DIALOGS_DIR": str(ROOT / "dialogs"),
        "LOCALES_DIR": str(ROOT / "locales"),
        "DEPLOYMENT_FILE": str(tmp_path / "none.yaml"),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "review", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        with httpx.Client(verify=local_tls(), base_url=base) as http:
            while True:  # another process: poll until it listens (bounded), not a timing check
                try:
                    form = http.get("/login")
                    break
                except httpx.TransportError:
                    assert process.poll() is None, process.communicate()[1]
                    assert time.monotonic() < deadline, "neutroguide review did not start"
                    time.sleep(0.2)
            assert form.status_code == 200 and "Sign in" in form.text
            signed = http.post(
                "/login",
                data={"name": "ada", "password": PASSWORD, "csrf": csrf_of(form.text)},
            )
            assert signed.status_code == 303
            inbox = http.get("/inbox")
            assert inbox.status_code == 200 and "Inbox" in inbox.text
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)
    assert f"Review app on http://127.0.0.1:{port}/" in stderr
    assert PASSWORD not in stderr
