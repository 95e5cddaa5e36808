"""A small crawler over the test client: what a user reads on a page, and every page reachable.

Used by the English crawl (tests/views/test_chinese.py) and the admin scoping crawl (tests/views/test_admin.py).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

HX = {"HTTP_HX_REQUEST": "true"}
MAX_PER_SHAPE = 2  # pages of one shape (same path up to ids, same query keys) fetched per crawl
NEVER_FOLLOW = ("/logout/", "/admin/logout/", "/admin/r/", "/static/")


class _VisibleText(HTMLParser):
    """Collects what a user reads on a page (text outside scripts and styles, the attributes a user
    sees, the label of a button) and the links (href) to crawl on."""

    SHOWN_ATTRS = ("placeholder", "title", "aria-label", "alt")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0  # inside <script> or <style>

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag in ("script", "style"):
            self._hidden += 1
        for name in self.SHOWN_ATTRS:
            if values.get(name):
                self.parts.append(values[name])
        if tag == "input" and values.get("type") in ("submit", "button", "reset") and values.get("value"):
            self.parts.append(values["value"])
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> tuple[str, list[str]]:
    """(the text a user reads, the links of the page)."""
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(parser.parts), parser.links


def _normalise(base: str, link: str) -> str | None:
    """The page a link leads to, as a path and query; None when it leaves the site or makes no new page."""
    if link.startswith(("#", "javascript:", "mailto:")):
        return None
    if link.startswith("?"):
        link = base.partition("?")[0] + link
    elif not link.startswith("/"):
        if ":" in link.split("/")[0]:
            return None
        link = base.partition("?")[0].rsplit("/", 1)[0] + "/" + link
    parts = urlsplit(link)
    if parts.scheme or parts.netloc:
        return None
    if any(parts.path.startswith(p) for p in NEVER_FOLLOW) or parts.path.endswith("/download/"):
        return None
    # sorting, facet counts and "back to the filtered list" make no new page; one filter at a time
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in ("o", "_facets", "_changelist_filters")]
    if len(query) > 1:
        return None
    return parts.path + ("?" + urlencode(query) if query else "")


def _shape(url: str) -> str:
    path, _, query = url.partition("?")
    return re.sub(r"\d+", "N", path) + "?" + ",".join(sorted(k for k, _ in parse_qsl(query)))


def crawl(
    client, start: list[str], visit: Callable[[str, object], None], *, within: str = "/", htmx: bool = False
) -> int:
    """Breadth first from `start`, following links under `within`; calls visit(url, response) for each
    page (and for its htmx variant when `htmx`). Returns the number of responses read."""
    queue = list(start)
    seen: set[str] = set(queue)
    per_shape: dict[str, int] = defaultdict(int)
    read = 0
    while queue:
        url = queue.pop(0)
        shape = _shape(url)
        if per_shape[shape] >= MAX_PER_SHAPE:
            continue
        per_shape[shape] += 1
        for headers in ({}, HX) if htmx and not url.startswith("/admin/") else ({},):
            response = client.get(url, **headers)
            read += 1
            visit(url + (" (htmx)" if headers else ""), response)
            if getattr(response, "streaming", False) or "html" not in response.get("Content-Type", ""):
                continue
            for link in visible_text(response.content.decode("utf-8", "replace"))[1]:
                target = _normalise(url, link)
                if target and target.startswith(within) and target not in seen:
                    seen.add(target)
                    queue.append(target)
    return read


class _FormFields(HTMLParser):
    """The values a browser would submit from the page's form with id `form_id` (inputs, checked
    boxes, selected options, textareas)."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.data = form_id, False, {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or "name" not in a and tag != "option":
            return
        if tag == "input" and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.data[a["name"]] = a.get("value", "on" if a.get("type") == "checkbox" else "")
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.data[self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def admin_form(client, url: str, form_id: str) -> dict[str, str]:
    parser = _FormFields(form_id)
    parser.feed(client.get(url).content.decode())
    assert parser.data, f"no form #{form_id} at {url}"
    return parser.data
