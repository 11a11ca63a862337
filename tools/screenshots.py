"""Take screenshots of the main pages as a given demo account (for looking at the UI as a user would).

    .venv/bin/python tools/screenshots.py [--base http://127.0.0.1:8000] [--user bantochuc] [--out var/screens]
                                          [--accounts var/demo-accounts.json] [PATH ...]

Reads the password from the demo accounts file. Uses Debian's chromium, never a downloaded browser.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="bantochuc")
    parser.add_argument("--out", default="var/screens")
    parser.add_argument("--accounts", default="var/demo-accounts.json", help="the demo accounts file")
    parser.add_argument(
        "paths",
        nargs="*",
        default=["/", "/to-chuc/", "/ca-nhan/tim-kiem/?q=nguyen+van+a", "/ky-danh-gia/", "/nhat-ky/"],
    )
    args = parser.parse_args()
    accounts = {a["username"]: a for a in json.loads(Path(args.accounts).read_text(encoding="utf-8"))}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.goto(f"{args.base}/dang-nhap/")
        page.screenshot(path=str(out / "login.png"), full_page=True)
        page.fill("#id_username", args.user)
        page.fill("#id_password", accounts[args.user]["password"])
        page.click("main form button[type=submit]")
        for i, path in enumerate(args.paths):
            page.goto(f"{args.base}{path}")
            page.wait_for_load_state("networkidle")
            name = f"{args.user}-{i:02d}-{path.strip('/').replace('/', '_').replace('?', '_') or 'home'}.png"
            page.screenshot(path=str(out / name[:120]), full_page=True)
            print(out / name[:120])
        browser.close()


if __name__ == "__main__":
    main()
