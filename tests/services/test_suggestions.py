"""Leaders' suggestions (留痕): suggest on a submission, travel with 退回修改, accept / reject /
stale / accept all (per leader), 采纳修改并审定, permissions, and accepting against a concurrent
edit on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from personas import make_member

from reports.core.suggestion_fields import snapshot_block_fields
from reports.errors import BlockConflict, Forbidden, InvalidInput, SuggestionStale, WrongState
from reports.models import AuditLog, Block, Membership, Report, Suggestion
from reports.selectors import suggestions as suggestion_selectors
from reports.services import reports as report_services
from reports.services import suggestions as suggestion_services
from reports.services import workflow as workflow_services

ORIGINAL = "全年一般公共预算收入完成预算。"


def _leader(bureau, username, full_name):
    user = make_member(bureau, username, Membership.Role.LEADER, department="预算科")
    user.first_name = full_name
    user.save()
    user.membership.supervises.set([bureau.departments.get(name="办公室")])
    return user


@pytest.fixture
def leaders(bureau):
    return _leader(bureau, "wang", "王建国"), _leader(bureau, "li", "李明")


@pytest.fixture
def submitted(report, drafter):
    """The report with two points written, submitted: (report, point a, point b, revision)."""
    section = report.blocks.filter(parent=None).order_by("position").first()
    a = report_services.block_add(report=report, type="point", parent=section, user=drafter)
    b = report_services.block_add(report=report, type="point", parent=section, user=drafter)
    report_services.block_save(block=a, version=1, data={"title": "抓收入", "text": ORIGINAL}, user=drafter)
    report_services.block_save(block=b, version=1, data={"text": "严控一般性支出。"}, user=drafter)
    revision = workflow_services.report_submit(report=report, user=drafter)
    return Report.objects.get(pk=report.pk), Block.objects.get(pk=a.pk), Block.objects.get(pk=b.pk), revision


def _return(report, leader, revision):
    workflow_services.report_return(
        report=report, user=leader, reason="请按建议修改", revision_id=revision.pk
    )
    return Report.objects.get(pk=report.pk)


def test_it_stores_a_suggestion_without_applying_it(submitted, leaders):
    report, a, _b, revision = submitted
    wang, _li = leaders
    s = suggestion_services.suggestion_save(
        block=a, field="text", text="全年一般公共预算收入超额完成预算。", user=wang
    )
    a.refresh_from_db()
    assert a.text == ORIGINAL  # not applied
    assert (s.revision, s.base_text, s.author_name, s.status) == (revision, ORIGINAL, "王建国", "open")
    assert AuditLog.objects.filter(action="suggestion", report=report).count() == 1


def test_it_keeps_one_open_suggestion_per_leader_and_field(submitted, leaders):
    _report, a, _b, _rev = submitted
    wang, li = leaders
    first = suggestion_services.suggestion_save(block=a, field="text", text="改一。", user=wang)
    again = suggestion_services.suggestion_save(block=a, field="text", text="改二。", user=wang)
    suggestion_services.suggestion_save(block=a, field="text", text="李的改法。", user=li)
    assert again.pk == first.pk and again.text == "改二。"
    assert Suggestion.objects.filter(block=a, status="open").count() == 2


def test_it_withdraws_a_suggestion_equal_to_the_submitted_text(submitted, leaders):
    _report, a, _b, _rev = submitted
    wang, _li = leaders
    suggestion_services.suggestion_save(block=a, field="text", text="改一。", user=wang)
    assert suggestion_services.suggestion_save(block=a, field="text", text=ORIGINAL, user=wang) is None
    assert not Suggestion.objects.filter(block=a).exists()


def test_it_refuses_suggestions_from_others_and_outside_submission(submitted, leaders, drafter, bureau):
    report, a, _b, revision = submitted
    wang, _li = leaders
    stranger = make_member(bureau, "stranger", Membership.Role.LEADER)  # supervises nothing
    for user in (drafter, stranger):
        with pytest.raises(Forbidden, match="审核领导"):
            suggestion_services.suggestion_save(block=a, field="text", text="x", user=user)
    _return(report, wang, revision)
    with pytest.raises(WrongState, match="已提交审核"):
        suggestion_services.suggestion_save(
            block=Block.objects.get(pk=a.pk), field="text", text="x", user=wang
        )
    assert not Suggestion.objects.exists()


def test_it_refuses_a_title_on_a_paragraph(submitted, leaders, drafter):
    report, _a, _b, _rev = submitted
    wang, _li = leaders
    paragraph = report.blocks.filter(parent=None).order_by("position").first()
    paragraph.type = Block.Type.PARAGRAPH
    with pytest.raises(InvalidInput, match="标题"):
        suggestion_services.suggestion_save(block=paragraph, field="title", text="x", user=wang)


def test_suggestions_travel_with_return_and_accept_goes_through_the_normal_save(submitted, leaders, drafter):
    report, a, b, revision = submitted
    wang, _li = leaders
    s1 = suggestion_services.suggestion_save(block=a, field="text", text="全年收入超额完成预算。", user=wang)
    s2 = suggestion_services.suggestion_save(block=b, field="text", text="严控支出。", user=wang)
    _return(report, wang, revision)
    assert set(Suggestion.objects.filter(status="open").values_list("pk", flat=True)) == {s1.pk, s2.pk}
    block = suggestion_services.suggestion_accept(suggestion=s1, user=drafter, version=a.version)
    assert (block.text, block.version) == ("全年收入超额完成预算。", a.version + 1)
    assert Block.objects.get(pk=a.pk).text == "全年收入超额完成预算。"
    s1.refresh_from_db()
    assert (s1.status, s1.decided_by) == ("accepted", drafter)
    summaries = list(AuditLog.objects.filter(report=report).values_list("action", "summary"))
    assert ("suggestion_accept", "采纳 王建国 的修改建议") in summaries
    assert any(action == "block_save" for action, _s in summaries)
    suggestion_services.suggestion_reject(suggestion=s2, user=drafter)
    s2.refresh_from_db()
    assert s2.status == "rejected" and Block.objects.get(pk=b.pk).text == "严控一般性支出。"
    assert ("suggestion_reject", "不采纳 王建国 的修改建议") in AuditLog.objects.filter(
        report=report
    ).values_list("action", "summary")
    # the next submission's diff shows what was accepted
    revision2 = workflow_services.report_submit(report=Report.objects.get(pk=report.pk), user=drafter)
    texts = snapshot_block_fields(revision2.snapshot)
    assert texts[a.pk]["text"] == "全年收入超额完成预算。" and texts[b.pk]["text"] == "严控一般性支出。"


def test_a_stale_suggestion_is_never_applied(submitted, leaders, drafter):
    report, a, _b, revision = submitted
    wang, _li = leaders
    s = suggestion_services.suggestion_save(block=a, field="text", text="领导的改法。", user=wang)
    _return(report, wang, revision)
    report_services.block_save(block=a, version=a.version, data={"text": "起草人自己改了。"}, user=drafter)
    assert suggestion_selectors.suggestions_by_block(report)[a.pk][0].stale
    with pytest.raises(SuggestionStale) as error:
        suggestion_services.suggestion_accept(suggestion=s, user=drafter, version=a.version + 1)
    assert isinstance(error.value, BlockConflict) and "已过期" in str(error.value)
    assert Block.objects.get(pk=a.pk).text == "起草人自己改了。"
    assert Suggestion.objects.get(pk=s.pk).status == "open"


def test_only_an_editor_of_the_section_may_accept_or_reject(submitted, leaders, drafter, bureau):
    report, a, _b, revision = submitted
    wang, _li = leaders
    s = suggestion_services.suggestion_save(block=a, field="text", text="改。", user=wang)
    _return(report, wang, revision)
    other = make_member(bureau, "other", Membership.Role.DRAFTER, department="国库科")
    for user in (wang, other):
        with pytest.raises(Forbidden):
            suggestion_services.suggestion_accept(suggestion=s, user=user, version=a.version)
        with pytest.raises(Forbidden):
            suggestion_services.suggestion_reject(suggestion=s, user=user)
    assert Suggestion.objects.get(pk=s.pk).status == "open"


def test_accept_all_of_one_leader_then_all_skips_the_stale(submitted, leaders, drafter):
    report, a, b, revision = submitted
    wang, li = leaders
    suggestion_services.suggestion_save(block=a, field="title", text="抓收入促增长", user=wang)
    suggestion_services.suggestion_save(block=b, field="text", text="王的支出改法。", user=wang)
    suggestion_services.suggestion_save(block=b, field="text", text="李的支出改法。", user=li)
    suggestion_services.suggestion_save(block=a, field="text", text="李的收入改法。", user=li)
    report = _return(report, wang, revision)
    assert suggestion_services.suggestions_accept_all(report=report, user=drafter, author=wang) == (2, 0)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.title, b.text) == ("抓收入促增长", "王的支出改法。")
    # li's suggestion on b was made on the submitted text, which b no longer holds: skipped
    assert suggestion_services.suggestions_accept_all(report=report, user=drafter) == (1, 1)
    assert Block.objects.get(pk=b.pk).text == "王的支出改法。"
    assert Block.objects.get(pk=a.pk).text == "李的收入改法。"
    assert Suggestion.objects.filter(status="open").count() == 1


def test_colours_are_per_author_in_order_of_first_suggestion(submitted, leaders):
    report, a, b, _rev = submitted
    wang, li = leaders
    suggestion_services.suggestion_save(block=b, field="text", text="李。", user=li)
    suggestion_services.suggestion_save(block=a, field="text", text="王。", user=wang)
    suggestion_services.suggestion_save(block=a, field="title", text="李的标题", user=li)
    by_block = suggestion_selectors.suggestions_by_block(report)
    assert [v.colour for v in by_block[a.pk]] == [1, 0] and by_block[b.pk][0].colour == 0
    segments = by_block[a.pk][0].segments
    assert "".join(s.text for s in segments if s.op != "insert") == ORIGINAL
    assert "".join(s.text for s in segments if s.op != "delete") == "王。"


def test_approve_with_suggestions_stores_the_applied_text_as_the_approved_revision(
    submitted, leaders, drafter
):
    report, a, b, revision = submitted
    wang, li = leaders
    suggestion_services.suggestion_save(block=a, field="text", text="全年收入超额完成预算。", user=wang)
    suggestion_services.suggestion_save(block=b, field="text", text="李的改法。", user=li)
    approved = suggestion_services.report_approve_with_suggestions(
        report=report, user=wang, revision_id=revision.pk
    )
    report.refresh_from_db()
    assert report.status == "approved" and report.approved_revision == approved
    assert approved.number == revision.number + 1 and approved.created_by == wang
    fields = snapshot_block_fields(approved.snapshot)
    assert fields[a.pk]["text"] == "全年收入超额完成预算。"
    assert fields[b.pk]["text"] == "严控一般性支出。"  # li's is not wang's to apply
    assert snapshot_block_fields(revision.snapshot)[a.pk]["text"] == ORIGINAL
    assert Block.objects.get(pk=a.pk).text == "全年收入超额完成预算。"
    assert Block.objects.get(pk=a.pk).version == a.version + 1
    assert Suggestion.objects.get(block=a).status == "applied_on_approval"
    assert Suggestion.objects.get(block=b).status == "open"
    assert AuditLog.objects.get(report=report, action="approve_with_suggestions").summary.startswith(
        "采纳修改并审定"
    )


def test_approve_with_suggestions_follows_the_approve_rules(submitted, leaders, drafter):
    report, a, _b, revision = submitted
    wang, li = leaders
    with pytest.raises(InvalidInput, match="没有可采纳"):
        suggestion_services.report_approve_with_suggestions(report=report, user=wang, revision_id=revision.pk)
    assert Report.objects.get(pk=report.pk).status == "submitted"  # rolled back
    suggestion_services.suggestion_save(block=a, field="text", text="改。", user=wang)
    with pytest.raises(Forbidden):
        suggestion_services.report_approve_with_suggestions(
            report=report, user=drafter, revision_id=revision.pk
        )
    with pytest.raises(WrongState, match="重新提交"):
        suggestion_services.report_approve_with_suggestions(
            report=report, user=wang, revision_id=revision.pk + 99
        )
    report = _return(report, li, revision)
    with pytest.raises(WrongState, match="不能采纳修改并审定"):
        suggestion_services.report_approve_with_suggestions(report=report, user=wang, revision_id=revision.pk)
    assert Block.objects.get(pk=a.pk).text == ORIGINAL


@pytest.mark.django_db(transaction=True)
def test_accept_against_a_concurrent_edit_lets_exactly_one_win(kinds, bureau):
    """Two connections: the drafter saves the block while accepting a suggestion on it, from the
    same version, many rounds. Exactly one wins each round; the loser gets a conflict."""
    if connection.vendor != "postgresql":
        pytest.fail("the race is about PostgreSQL's locking: run the suite through scripts/test.sh")
    from drafts import fill_required_sections

    drafter = make_member(bureau, "c_drafter", Membership.Role.DRAFTER)
    wang = _leader(bureau, "c_wang", "王建国")
    outcomes = []
    for round_ in range(8):
        report = report_services.report_create(
            user=drafter, kind=kinds["duty"], year=2025, subject=f"局长{round_}"
        )
        fill_required_sections(report)
        section = report.blocks.filter(parent=None).order_by("position").first()
        point = report_services.block_add(report=report, type="point", parent=section, user=drafter)
        report_services.block_save(block=point, version=1, data={"text": ORIGINAL}, user=drafter)
        revision = workflow_services.report_submit(report=report, user=drafter)
        s = suggestion_services.suggestion_save(
            block=Block.objects.get(pk=point.pk), field="text", text="领导的改法。", user=wang
        )
        _return(Report.objects.get(pk=report.pk), wang, revision)
        version = Block.objects.get(pk=point.pk).version
        barrier = threading.Barrier(2)
        results: dict[str, str] = {}

        def run(name, action, results=results, barrier=barrier):
            try:
                barrier.wait()
                action()
                results[name] = "won"
            except BlockConflict:
                results[name] = "conflict"
            finally:
                connection.close()

        def accept(s=s, version=version):
            suggestion_services.suggestion_accept(suggestion=s, user=drafter, version=version)

        def edit(point=point, version=version):
            report_services.block_save(
                block=Block.objects.get(pk=point.pk),
                version=version,
                data={"text": "起草人的改法。"},
                user=drafter,
            )

        threads = [threading.Thread(target=run, args=(n, f)) for n, f in (("accept", accept), ("edit", edit))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(results.values()) == ["conflict", "won"], results
        stored = Block.objects.get(pk=point.pk)
        assert stored.version == version + 1
        expected = "领导的改法。" if results["accept"] == "won" else "起草人的改法。"
        assert stored.text == expected
        assert Suggestion.objects.get(pk=s.pk).status == (
            "accepted" if results["accept"] == "won" else "open"
        )
        outcomes.append(results["accept"])
    assert len(outcomes) == 8
