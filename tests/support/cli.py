"""Run the ``neutroguide`` command as a real process, as an operator would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def neutroguide(database_url: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``python -m bot <args>`` with ``DATABASE_URL`` set and no key or deployment file
    inherited from the test environment."""
    env = {k: v for k, v in os.environ.items() if k not in {"PSEUDONYM_KEY", "DEPLOYMENT_FILE"}}
    env["DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
