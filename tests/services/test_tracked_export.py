"""The 花脸稿 export of the demo report with the demo leader's suggestions and comment: Word's
"accept all" gives the suggested text and "reject all" the submitted text, character by character;
authors, dates and comments are Word's own; the masked 花脸稿 leaks nothing; the 清稿 is the plain
export; `render_report --tracked` writes it."""

from __future__ import annotations

import copy
import io
import re
import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from lxml import etree
from personas import make_member
from trackeddocx import accept_all_xml, document_xml, paragraph_texts, part, reject_all_xml, revisions

from reports.core.docx_render import render_docx
from reports.core.leakscan import scan_docx
from reports.core.pdf import soffice_binary
from reports.core.suggestion_fields import set_snapshot_field
from reports.core.tracked import place_suggestions, read_tracked
from reports.models import Export, Membership, Report, Suggestion
from reports.services import exports as export_services
from reports.services import suggestions as suggestion_services
from reports.services.exports import export_options, export_resolve

pytestmark = pytest.mark.django_db
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture
def suggested() -> Report:
    call_command("seed_demo", stdout=io.StringIO())
    report = Report.objects.get(title="2025年度个人述职报告")
    assert report.suggestions.filter(status=Suggestion.Status.OPEN).count() == 3
    return report


def _texts(docx: bytes) -> list[str]:
    return paragraph_texts(document_xml(docx))


def _render(snapshot: dict, report: Report) -> bytes:
    resolved, _check = export_resolve(
        snapshot, masked=False, options=export_options(report=report, masked=False)
    )
    return render_docx(resolved)


def test_accept_all_is_the_suggested_text_and_reject_all_the_submitted_text(suggested):
    name, docx = export_services.report_render(report=suggested, tracked=True)
    assert name.endswith("（花脸稿）.docx")
    submitted = suggested.revisions.order_by("-number").first().snapshot
    applied = copy.deepcopy(submitted)
    for s in suggested.suggestions.filter(status=Suggestion.Status.OPEN):
        assert set_snapshot_field(applied, s.block_id, s.field, s.text)
    xml = document_xml(docx)
    assert paragraph_texts(accept_all_xml(xml)) == _texts(_render(applied, suggested))
    assert paragraph_texts(reject_all_xml(xml)) == _texts(_render(submitted, suggested))
    # Word's own revisions, by the leader, dated; both kinds present (a replacement is both).
    changes = revisions(xml)
    assert {c.tag for c in changes} == {f"{W}ins", f"{W}del"}
    leader = get_user_model().objects.get(username="leader")
    assert {c.get(f"{W}author") for c in changes} == {leader.get_full_name()}
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", c.get(f"{W}date")) for c in changes)
    # The open comment is a Word comment, anchored in the body.
    comments = etree.fromstring(part(docx, "word/comments.xml"))
    comment = suggested.comments.filter(resolved=False, block__isnull=False).first()
    assert comment.text in "".join(comments.itertext())
    assert b"commentRangeStart" in xml and b"commentReference" in xml


def test_two_leaders_each_with_their_own_revisions_on_one_block_and_another(suggested):
    """A second leader suggests on a block the first already changed (elsewhere in it) and on
    another: accept all / reject all still give the two texts, each change under its author."""
    second = make_member(suggested.bureau, "leader2", Membership.Role.LEADER, "综合科")
    second.first_name = "李红"
    second.save()
    second.membership.supervises.set([suggested.department])
    first_suggestion = suggested.suggestions.filter(field="text").order_by("pk").first()
    block = first_suggestion.block
    base = first_suggestion.base_text
    # The first leader appended to the end; the second changes the first characters.
    suggestion_services.suggestion_save(block=block, field="text", text="【" + base[1:], user=second)
    other = (
        suggested.blocks.filter(type="point").exclude(pk=block.pk).exclude(suggestions__isnull=False).first()
    )
    suggestion_services.suggestion_save(
        block=other, field="text", text=other.text + "（李红补充）", user=second
    )

    _name, docx = export_services.report_render(report=suggested, tracked=True)
    xml = document_xml(docx)
    authors = {c.get(f"{W}author") for c in revisions(xml)}
    assert authors == {"王建国", "李红"}
    submitted = suggested.revisions.order_by("-number").first().snapshot
    accepted = paragraph_texts(accept_all_xml(xml))
    assert "（李红补充）" in "".join(accepted) and "【" in "".join(accepted)
    assert paragraph_texts(reject_all_xml(xml)) == _texts(_render(submitted, suggested))


def test_the_clean_copy_is_the_plain_export_and_nothing_is_tracked(suggested):
    _name, clean = export_services.report_render(report=suggested)
    assert revisions(document_xml(clean)) == [] and part(clean, "word/comments.xml") is None


def test_a_masked_tracked_copy_masks_inside_changes_and_comments(suggested):
    name, docx = export_services.report_render(report=suggested, tracked=True, masked=True)
    assert name.endswith("（脱敏稿）（花脸稿）.docx")
    submitted = suggested.revisions.order_by("-number").first().snapshot
    _resolved, check = export_resolve(
        submitted, masked=True, options=export_options(report=suggested, masked=True)
    )
    assert scan_docx(docx, check.secrets, name) == []
    texts = "".join(etree.fromstring(document_xml(docx)).itertext())
    assert set(re.findall(r"[0-9]+", texts)) <= {"2025", "2026"}


def test_render_report_tracked_and_the_export_button(
    suggested, client, django_capture_on_commit_callbacks, tmp_path
):
    out = io.StringIO()
    call_command("render_report", str(suggested.pk), "--out", str(tmp_path), "--tracked", stdout=out)
    (path,) = tmp_path.glob("*.docx")
    assert path.name.endswith("（花脸稿）.docx") and revisions(document_xml(path.read_bytes()))

    client.force_login(get_user_model().objects.get(username="leader"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/reports/{suggested.pk}/exports/",
            {"masked": "0", "tracked": "1", "confirmed": "1"},
            HTTP_HX_REQUEST="true",
        )
    assert response.status_code == 200
    export = Export.objects.get(report=suggested)
    assert export.status == Export.Status.DONE and export.file_name.endswith("（花脸稿）.docx")
    assert revisions(document_xml(bytes(export.content)))
    page = client.get(f"/reports/{suggested.pk}/").content.decode()
    assert "导出花脸稿</button>" in page and "导出花脸稿（脱敏）" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/reports/{suggested.pk}/exports/",
            {"masked": "1", "tracked": "1", "confirmed": "1"},
            HTTP_HX_REQUEST="true",
        )
    masked = Export.objects.filter(report=suggested, masked=True).get()
    assert masked.status == Export.Status.DONE and masked.file_name.endswith("（脱敏稿）（花脸稿）.docx")


def test_a_tracked_copy_saved_by_another_tool_reads_back_into_the_same_suggestions(suggested, tmp_path):
    """LibreOffice opens the 花脸稿 and saves it as .docx (its own WordprocessingML, as another
    editor would): reading it back places the same suggestions on the same blocks, and the comment."""
    _name, docx = export_services.report_render(report=suggested, tracked=True)
    (tmp_path / "in.docx").write_bytes(docx)
    subprocess.run(
        [soffice_binary(), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless"]
        + [
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(tmp_path / "out"),
            str(tmp_path / "in.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    saved = (tmp_path / "out" / "in.docx").read_bytes()
    assert saved != docx
    submitted = suggested.revisions.order_by("-number").first().snapshot
    resolved, _check = export_resolve(
        submitted, masked=False, options=export_options(report=suggested, masked=False)
    )
    placed = place_suggestions(read_tracked(saved), resolved)
    expected = {
        (s.block_id, s.field, s.text, s.author_name)
        for s in suggested.suggestions.filter(status=Suggestion.Status.OPEN)
    }
    assert {(p["block_id"], p["field"], p["text"], p["author"]) for p in placed.suggestions} == expected
    assert len(placed.comments) == 1 and placed.unplaced == []


def test_the_tracked_copy_keeps_the_page_and_styles_of_the_clean_copy(suggested):
    """Same page set-up, styles, fonts and grid as the GB/T 9704 export (the layout tests measure
    that one): the revisions and comments add to the body only."""
    _name, tracked = export_services.report_render(report=suggested, tracked=True)
    submitted = suggested.revisions.order_by("-number").first().snapshot
    clean = _render(submitted, suggested)
    for name in ("word/styles.xml", "word/fontTable.xml", "word/footer1.xml"):
        assert part(tracked, name) == part(clean, name), name
    sect = b"".join(re.findall(rb"<w:sectPr.*?</w:sectPr>", document_xml(tracked), re.S))
    assert sect == b"".join(re.findall(rb"<w:sectPr.*?</w:sectPr>", document_xml(clean), re.S))
