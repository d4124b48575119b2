"""Screenshots of the main pages for each role, for the README (see scripts/screenshots)."""

import json
import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1]
OUT = Path(sys.argv[2])
CHROMIUM = os.environ.get("BRYGGA_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = {
    "arbetsgivare": [("employer-portal", "/arbetsgivarportal/")],
    "koordinator": [
        ("employers", "/arbetsgivare/"),
        ("next-steps", "/nasta-steg/"),
        ("duplicates", "/arbetsgivare/dubbletter/"),
    ],
    "jobbguide": [("participants", "/deltagare/"), ("followups", "/uppfoljningar/")],
    "chef": [("overview", "/oversikt/")],
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for username, pages in PAGES.items():
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{BASE}/logga-in/")
            page.get_by_label("Användarnamn").fill(username)
            page.get_by_label("Lösenord").fill("brygga-demo")
            page.get_by_role("button", name="Logga in").click()
            page.wait_for_load_state()
            for name, path in pages:
                page.goto(f"{BASE}{path}")
                page.screenshot(path=str(OUT / f"{name}.png"), full_page=False)
                print("saved", OUT / f"{name}.png")
            if username == "koordinator":
                page.goto(f"{BASE}/arbetsgivare/")
                page.locator("table a").first.click()
                page.screenshot(path=str(OUT / "employer-page.png"))
                # The kravprofil page and its ranked candidates (issue 9).
                page.goto(
                    f"{BASE}/api/v1/task-profiles/?status=open&has_free_slots=true&format=json"
                )
                first = json.loads(page.inner_text("body"))["results"][0]["id"]
                page.goto(f"{BASE}/kravprofiler/{first}/")
                page.screenshot(path=str(OUT / "task-profile.png"))
                page.locator("#candidates").evaluate("e => e.scrollIntoView()")
                page.screenshot(path=str(OUT / "task-profile-candidates.png"))
            if username == "jobbguide":
                page.goto(f"{BASE}/deltagare/")
                page.locator("table a").first.click()
                page.locator("#matches").scroll_into_view_if_needed()
                page.screenshot(path=str(OUT / "participant-matches.png"))
            page.close()
        phone = browser.new_page(viewport={"width": 390, "height": 844})
        phone.goto(f"{BASE}/logga-in/")
        phone.screenshot(path=str(OUT / "login-phone.png"))
        browser.close()


if __name__ == "__main__":
    main()
