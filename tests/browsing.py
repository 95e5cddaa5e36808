"""Helpers of the browser tests (headless Chromium through Playwright): the Chromium binary and flags,
logging in as a demo user, the points of a section in the editor. The fixtures are in
tests/browser/conftest.py."""

from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def login(page, username="drafter", password="drafter-demo-2025"):
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def section_points(page, index=0):
    section = page.locator("#document > .block-heading").nth(index)
    return section, section.locator(":scope > .children > .block-point")
