"""Every word a user reads is Chinese (issue 8, item 14).

The crawl logs in as each demo role (and as nobody), starts from every URL of the URLconf (pks
filled in from the demo data) plus the Django admin's index, follows the links it finds, and reads
each page the way a user does: the text outside scripts and styles, plus the attributes a user
sees (placeholder, title, aria-label, alt, the value of a button). A Latin word that is not in the
allow-list fails the test, naming the page. The error pages are checked with DEBUG off.
"""

from __future__ import annotations

import datetime
import io
import json
import re
from pathlib import Path

import django
import pytest
from crawling import crawl, visible_text
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, include, path, reverse
from django.utils import translation
from django.utils.translation import gettext

from reports.models import Block, Comment, Export, Metric, Packet, Preview, Report, Suggestion
from reports.services import exports as export_services
from reports.services import packets as packet_services
from reports.services import previews as preview_services
from reports.services import workflow as workflow_services

# Latin words a Chinese user of this product reads as they are: file formats and names, the size
# unit and text encodings of an upload (as their own editors name them), a key cap.
ALLOWED = {"word", "excel", "csv", "pdf", "docx", "xlsx", "xls", "doc", "txt", "wps"}
ALLOWED |= {"mb", "kb", "utf", "gbk", "ctrl"}

DEMO_LOGINS = ["drafter", "budget", "leader", "admin", None]  # None: anonymous


def english_words(text: str, allowed: set[str]) -> set[str]:
    return {w for w in re.findall(r"[A-Za-z][A-Za-z_']+", text) if w.lower() not in allowed}


# --- the world: the demo data, with a report in review, a comment, an export ----------------------


@pytest.fixture
def demo(db, kinds):
    call_command("seed_demo", stdout=io.StringIO())
    User = get_user_model()
    users = {u.username: u for u in User.objects.all()}
    duty = Report.objects.get(title="2025年度述职报告")
    first_section = duty.blocks.filter(parent=None).order_by("position").first()
    budget_department = users["budget"].membership.department
    workflow_services.section_assign(block=first_section, department=budget_department, user=users["drafter"])
    workflow_services.comment_add(report=duty, user=users["drafter"], text="请领导审阅", block=None)
    export_services.export_request(report=duty, user=users["drafter"])
    export_services.export_request(report=duty, user=users["drafter"], masked=True)
    preview_services.report_preview_request(report=duty, user=users["drafter"])  # queued (no commit)
    workflow_services.report_submit(report=duty, user=users["drafter"])
    plan = Report.objects.get(kind__code="work_plan")
    revision = workflow_services.report_submit(report=plan, user=users["drafter"])
    workflow_services.report_return(
        report=plan, user=users["leader"], reason="请补充数据", revision_id=revision.pk
    )
    party = Report.objects.get(kind__code="party_duty")
    revision = workflow_services.report_submit(report=party, user=users["drafter"])
    workflow_services.report_approve(report=party, user=users["leader"], revision_id=revision.pk)
    packet_services.packet_request(  # queued (no commit): its page shows the progress
        user=users["leader"], report_ids=[party.pk], meeting="述职述廉会议", date=datetime.date(2026, 1, 15)
    )
    return users


def _pk_for(prefix: str) -> int:
    """An object for a URL that names one, by the URL's first segment."""
    if prefix == "reports":
        return Report.objects.get(title="2025年度述职报告").pk
    if prefix == "blocks":
        return Block.objects.filter(report__title="2025年度述职报告", parent=None).first().pk
    if prefix == "exports":
        return Export.objects.first().pk
    if prefix == "comments":
        return Comment.objects.first().pk
    if prefix == "previews":
        return Preview.objects.first().pk
    if prefix == "metrics":
        return Metric.objects.first().pk
    if prefix == "packets":
        return Packet.objects.first().pk
    if prefix == "suggestions":
        return Suggestion.objects.first().pk
    raise AssertionError(f"the crawl does not know which object a /{prefix}/<pk>/ URL names")


def urlconf_urls() -> list[str]:
    """Every route of the project's URLconf (the admin is crawled from its index)."""
    urls: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                if route.startswith("admin/"):
                    continue
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern):
                if "<int:pk>" in route:
                    route = route.replace("<int:pk>", str(_pk_for(route.split("/")[0])))
                route = route.replace("<int:number>", "1")  # a preview's first page
                assert "<" not in route, f"the crawl cannot fill in {route}"
                urls.append("/" + route)

    walk(get_resolver().url_patterns, "")
    return urls + ["/admin/"]


@pytest.mark.parametrize("username", DEMO_LOGINS, ids=[u or "anonymous" for u in DEMO_LOGINS])
def test_it_shows_no_english_to_any_role(client, demo, username):
    if username:
        client.force_login(demo[username])
    allowed = ALLOWED | {u.lower() for u in get_user_model().objects.values_list("username", flat=True)}
    found: dict[str, set[str]] = {}
    broken: dict[str, int] = {}

    def visit(url, response):
        if response.status_code >= 500:
            broken[url] = response.status_code
        content_type = response.get("Content-Type", "")
        if getattr(response, "streaming", False) or not content_type.startswith(("text/html", "text/plain")):
            return
        words = english_words(visible_text(response.content.decode("utf-8", "replace"))[0], allowed)
        if words:
            found[url] = words

    read = crawl(client, urlconf_urls(), visit, htmx=True)
    assert read > 40
    assert not broken, f"pages that fail: {broken}"
    report = "\n".join(f"{url}: {sorted(words)}" for url, words in sorted(found.items()))
    assert not found, f"English shown to {username or 'anonymous'}:\n{report}"


# --- the admin's JavaScript strings (the 分管科室 selector: “Choose all”, “Remove all” …) -------------


def _admin_js_msgids() -> set[str]:
    """Every string the admin's own scripts pass to gettext / ngettext (the singular)."""
    folder = Path(django.__file__).parent / "contrib" / "admin" / "static" / "admin" / "js"
    found: set[str] = set()
    for script in folder.glob("*.js"):
        for quote, text in re.findall(
            r"""\b(?:gettext|ngettext)\(\s*(['"])(.*?)(?<!\\)\1""", script.read_text()
        ):
            found.add(text.replace("\\" + quote, quote))
    return found


def test_the_admin_javascript_catalog_is_chinese_for_every_string(client, admin_user):
    client.force_login(get_user_model().objects.create_superuser("root", password="pw"))
    body = client.get(reverse("admin:jsi18n")).content.decode()
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});\n", body, re.S).group(1))
    msgids = _admin_js_msgids()
    assert {"Choose all %s", "Remove all %s", "Filter"} <= msgids  # the parser finds what it must
    missing = sorted(m for m in msgids if m not in catalog)
    assert not missing, f"admin scripts show these in English: {missing}"
    ours = _po_entries("djangojs.po")  # and the compiled catalog says what locale/djangojs.po says
    assert {m: catalog.get(m) for m in ours} == ours


# --- error pages, with DEBUG off (as in production) ----------------------------------------------


def _raise(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", _raise), path("", include("bureau.urls"))]


def _is_chinese_error_page(response, status: int) -> str:
    body = response.content.decode()
    assert response.status_code == status
    assert 'href="/"' in body and "返回我的报告" in body, body[:500]
    assert not english_words(visible_text(body)[0], ALLOWED), body[:500]
    return body


def test_an_unknown_url_gets_the_chinese_404_page(client, drafter, settings):
    assert not settings.DEBUG
    client.force_login(drafter)
    assert "页面不存在" in _is_chinese_error_page(client.get("/no-such-page/"), 404)


def test_a_drafter_at_the_dashboard_gets_the_chinese_403_page_with_the_reason(client, drafter):
    client.force_login(drafter)
    body = _is_chinese_error_page(client.get(reverse("dashboard")), 403)
    assert "无权访问" in body and "只有审核领导和管理员可以查看总览。" in body


def test_an_htmx_request_refused_gets_the_reason_alone(client, drafter):
    client.force_login(drafter)
    response = client.get(reverse("dashboard"), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 403 and "只有审核领导和管理员可以查看总览。" in body
    assert "<html" not in body and "topbar" not in body
    assert response["HX-Retarget"] == "#flash", "a refused htmx action answers in the message region"


def test_a_bad_host_gets_the_chinese_400_page(client):
    assert "请求无效" in _is_chinese_error_page(client.get("/", HTTP_HOST="evil.example.com"), 400)


@pytest.mark.urls(__name__)
def test_a_crash_gets_the_chinese_500_page_without_the_database():
    """No db fixture: any database access while answering would raise instead of rendering."""
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert "服务器出错" in _is_chinese_error_page(response, 500)


def _po_entries(name: str) -> dict[str, str]:
    """msgid → msgstr of our locale/ catalog (singular entries; the header left out)."""
    text = (Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / name).read_text()

    def joined(block: str) -> str:
        return "".join(json.loads(line) for line in block.split("\n") if line.startswith('"'))

    pattern = r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)'
    return {joined(i): joined(s) for i, s in re.findall(pattern, text, re.M) if joined(i)}


def test_the_compiled_catalogs_say_what_the_po_files_say():
    """locale/*.mo are committed (the image has no gettext tools): a .po edited without msgfmt fails
    here (djangojs.po: in the admin catalog test)."""
    entries = _po_entries("django.po")
    assert len(entries) >= 8
    with translation.override("zh-hans"):
        stale = {m: gettext(m) for m, s in entries.items() if gettext(m) != s}
    assert not stale, stale
