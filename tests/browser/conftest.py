"""Fixtures of the browser tests: one headless Chromium per module, a page on the live server with
the demo data seeded."""

from __future__ import annotations

import io
import os

import pytest
from browsing import CHROMIUM, CHROMIUM_ARGS
from django.core.management import call_command


@pytest.fixture(scope="module")
def browser():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server + sync Playwright
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, kinds):
    call_command("seed_demo", stdout=io.StringIO())
    context = browser.new_context(base_url=live_server.url, accept_downloads=True, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
