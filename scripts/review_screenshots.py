"""Screenshots of the review app's main pages for docs/operators.md, taken by Playwright in
Debian's headless chromium on the seeded test data (tests/support/review.py).

Run by hand: ``.venv/bin/python scripts/review_screenshots.py [OUTPUT_DIR]`` (default
``docs/images/review``).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.support.review import (  # noqa: E402
    FLAGGED,
    PASSWORD,
    ServedApp,
    review_app,
    seeded_database,
)

PAGES = (
    ("inbox", "/inbox"),
    ("transcript", f"/people/{FLAGGED.pseudonym}"),
    ("flags", "/flags"),
    ("unanswered", "/unanswered"),
    ("analytics", "/analytics?days=365"),
    ("map", "/map?dialog=fever&days=365"),
    ("content", "/content/fever?lang=de"),
)


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "images" / "review"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        url = seeded_database(Path(folder) / "shots.db")
        with ServedApp(review_app(url)) as served, sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            for name, width, height in (("desktop", 1200, 800), ("phone", 390, 844)):
                context = browser.new_context(
                    base_url=served.url, viewport={"width": width, "height": height}
                )
                page = context.new_page()
                page.goto("/login")
                if name == "desktop":
                    page.screenshot(path=str(out / "login.png"))
                page.get_by_label("Name").fill("ada")
                page.get_by_label("Password").fill(PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                page.wait_for_url("**/inbox")
                for key, path in PAGES if name == "desktop" else PAGES[:2]:
                    page.goto(path)
                    page.wait_for_load_state("networkidle")
                    suffix = "" if name == "desktop" else "-phone"
                    target = out / f"{key}{suffix}.png"
                    page.screenshot(path=str(target), full_page=name != "desktop")
                    print(target)
                context.close()
            browser.close()


if __name__ == "__main__":
    main()
