"""Report kinds are data: templates_docx/kinds/*.json, loaded and mirrored into the database."""

from __future__ import annotations

import json

import pytest

from reports.core.kinds import KindError, load_kinds
from reports.models import ReportKind
from reports.services import reports as report_services


def test_it_loads_the_four_kinds():
    kinds = load_kinds()
    assert set(kinds) == {"duty", "party_duty", "annual_summary", "work_plan"}
    assert kinds["work_plan"]["numbering"]["point"] == "{cn}要"
    for kind in kinds.values():
        assert kind["sections"], kind["code"]
        assert all(s["guidance"] and s["target_chars"] > 0 for s in kind["sections"])


def test_a_new_kind_is_a_data_change(tmp_path):
    (tmp_path / "speech.json").write_text(
        json.dumps(
            {
                "code": "speech",
                "name": "讲话稿",
                "title": "{year}年讲话",
                "numbering": {"1": "{cn}、", "point": "{cn}是"},
                "sections": [{"title": "开场"}],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    kinds = load_kinds(tmp_path)
    assert kinds["speech"]["sections"][0]["guidance"] == ""


@pytest.mark.parametrize(
    "broken",
    [
        {"name": "x", "title": "t", "numbering": {"1": "{cn}、", "point": "{cn}是"}, "sections": []},
        {
            "code": "x",
            "name": "x",
            "title": "t",
            "numbering": {"1": "一、", "point": "{cn}是"},
            "sections": [],
        },
        {"code": "x", "name": "x", "title": "t", "numbering": {"1": "{cn}、"}, "sections": []},
        {
            "code": "x",
            "name": "x",
            "title": "t",
            "numbering": {"1": "{cn}、", "point": "{cn}是"},
            "sections": [{}],
        },
    ],
)
def test_it_rejects_broken_kind_files(tmp_path, broken):
    (tmp_path / "bad.json").write_text(json.dumps(broken, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(KindError):
        load_kinds(tmp_path)


def test_kinds_sync_mirrors_the_files(db):
    ReportKind.objects.all().delete()
    assert report_services.kinds_sync() == 4
    assert report_services.kinds_sync() == 4
    assert ReportKind.objects.count() == 4
    assert ReportKind.objects.get(code="duty").name == "述职报告"
