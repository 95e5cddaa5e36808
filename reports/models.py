from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .core.years import YEAR_MAX, YEAR_MIN


class Bureau(models.Model):
    name = models.CharField("名称", max_length=100, unique=True)
    # The order of the 班子成员 a meeting packet follows by default: one name or post per line; a
    # report whose 主体 contains a line's text sorts at that line (reports.core.packet.rank_key).
    rank_list = models.TextField(
        "班子成员排序", blank=True, help_text="每行一个姓名或职务，材料汇编默认按此顺序排列"
    )

    class Meta:
        verbose_name = verbose_name_plural = "财政局"

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    bureau = models.ForeignKey(
        Bureau, on_delete=models.CASCADE, related_name="departments", verbose_name="财政局"
    )
    name = models.CharField("名称", max_length=100)

    class Meta:
        verbose_name = verbose_name_plural = "科室"
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "name"],
                name="department_unique_name",
                violation_error_message="本局已有同名科室。",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's place in one bureau: department and role."""

    class Role(models.TextChoices):
        DRAFTER = "drafter", "起草人"
        LEADER = "leader", "审核领导"
        ADMIN = "admin", "管理员"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership", verbose_name="用户"
    )
    bureau = models.ForeignKey(
        Bureau, on_delete=models.CASCADE, related_name="members", verbose_name="财政局"
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name="科室",
    )
    role = models.CharField("角色", max_length=16, choices=Role.choices, default=Role.DRAFTER)
    supervises = models.ManyToManyField(
        Department, blank=True, related_name="supervisors", verbose_name="分管科室"
    )

    class Meta:
        verbose_name = verbose_name_plural = "成员"

    def __str__(self) -> str:
        return f"{self.user} · {self.bureau} · {self.get_role_display()}"


class ReportKind(models.Model):
    """Mirror of a templates_docx/kinds/*.json file (the file is the source; see services.reports.kinds_sync)."""

    code = models.SlugField("代码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=50)
    definition = models.JSONField("定义", default=dict)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "报告类型"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Report(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已提交"
        RETURNED = "returned", "退回修改"
        APPROVED = "approved", "已审定"

    bureau = models.ForeignKey(
        Bureau, on_delete=models.CASCADE, related_name="reports", verbose_name="财政局"
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name="牵头科室",
    )
    kind = models.ForeignKey(
        ReportKind, on_delete=models.PROTECT, related_name="reports", verbose_name="类型"
    )
    year = models.PositiveSmallIntegerField("年度")
    period = models.CharField("期间", max_length=20, blank=True)
    title = models.CharField("标题", max_length=200)
    subject = models.CharField("主体", max_length=100, blank=True, help_text="述职人姓名职务，或单位名称")
    opening = models.TextField("导语", blank=True)
    closing = models.TextField("结尾", blank=True)
    signature = models.CharField("落款", max_length=100, blank=True)
    sign_date = models.CharField("日期", max_length=20, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    approved_revision = models.ForeignKey(
        "Revision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="审定版本",
    )
    return_reason = models.TextField("退回理由", blank=True)
    # Optimistic versions of the report's own fields, one per editor form (title/subject/period/
    # opening above the outline, closing/signature/date below it), so the two never conflict.
    head_version = models.PositiveIntegerField("标题区版本", default=1)
    tail_version = models.PositiveIntegerField("结尾区版本", default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="创建人",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    # Soft delete (回收站): a deleted report is hidden from every list and URL until restored.
    deleted_at = models.DateTimeField("删除时间", null=True, blank=True, db_index=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="删除人",
    )

    class Meta:
        verbose_name = verbose_name_plural = "报告"
        ordering = ["-year", "-updated_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=YEAR_MIN) & Q(year__lte=YEAR_MAX), name="report_year_range"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    @property
    def was_approved(self) -> bool:
        """Approved once (an approved revision exists): an official record, not a mere draft."""
        return self.approved_revision_id is not None


class Block(models.Model):
    """One node of a report's outline tree: a heading, a point (一是…) or a paragraph.

    Siblings are ordered by `position` under the same `parent` (null = top level). A heading's level
    is its depth, so moving a block never needs its level rewritten, and numbers are computed.
    """

    class Type(models.TextChoices):
        HEADING = "heading", "标题"
        POINT = "point", "要点"
        PARAGRAPH = "paragraph", "段落"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="blocks", verbose_name="报告")
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="上级",
    )
    position = models.PositiveIntegerField("顺序", default=0)
    type = models.CharField("类型", max_length=16, choices=Type.choices)
    title = models.TextField("标题", blank=True, help_text="标题文字，或要点的引领语")
    text = models.TextField("正文", blank=True)
    run_in = models.BooleanField("标题与正文同段", default=False)
    inline = models.BooleanField("接上段", default=False)
    guidance = models.TextField("写作提示", blank=True)
    target_chars = models.PositiveIntegerField("目标字数", default=0)
    required = models.BooleanField("必填", default=False)
    assigned_department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_blocks",
        verbose_name="承办科室",
    )
    done = models.BooleanField("本节已完成", default=False)
    # where a reused paragraph came from (services.reuse): {"report": id, "title": "2024年度工作总结",
    # "path": "二、（一）"}; empty for text written here
    source = models.JSONField("引用来源", default=dict, blank=True)
    version = models.PositiveIntegerField("版本号", default=1)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "段落"
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["report", "parent", "position"])]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="block_not_own_parent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.title or self.text[:20]}"

    @property
    def source_label(self) -> str:
        """引自2024年度工作总结 二、（一）, or "" for text written here."""
        if not self.source:
            return ""
        return f"引自{self.source.get('title', '')} {self.source.get('path', '')}".strip()


STUCK_AFTER = dt.timedelta(minutes=5)
# A render cannot outlive Celery's hard time limit, so an unfinished export with no sign of life for
# longer than that has lost its worker (killed, OOM, machine gone): it is re-queued.
STALL_AFTER = dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)


class WorkerJob:
    """Progress, stall and retry rules of a row that a worker produces (Export, Preview, Packet): it has
    `status` (its Status has QUEUED, RUNNING, DONE, FAILED), `created_at` and `heartbeat_at`."""

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def is_stalled(self) -> bool:
        """Unfinished and silent for longer than the hard time limit: its worker is gone."""
        return not self.is_finished and self.heartbeat_at < timezone.now() - STALL_AFTER

    @property
    def is_stuck(self) -> bool:
        """Waiting for longer than a worker would take and not being rendered right now: offer a
        retry (the worker may be down)."""
        alive = self.status == self.Status.RUNNING and not self.is_stalled
        return not self.is_finished and not alive and self.created_at < timezone.now() - STUCK_AFTER

    @property
    def can_retry(self) -> bool:
        """Only a failed or stuck export may be requested again; a finished or live one may not."""
        return self.status == self.Status.FAILED or self.is_stuck


class Export(WorkerJob, models.Model):
    """One requested Word file. The bytes live in the database so web and worker share no disk."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="exports", verbose_name="报告")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="导出人",
    )
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    error = models.TextField("错误信息", blank=True)
    masked = models.BooleanField("脱敏稿", default=False)
    # masking options (mask_years, mask_all_numbers, …): read by the renderer, not shown to users
    options = models.JSONField("脱敏选项", default=dict, blank=True)
    snapshot = models.JSONField("内容快照", default=dict)
    file_name = models.CharField("文件名", max_length=255, blank=True)
    content = models.BinaryField("文件内容", null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    # last sign of life: queued, claimed by a worker, progress, re-queued (see STALL_AFTER)
    heartbeat_at = models.DateTimeField("最近进展时间", default=timezone.now)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "导出记录"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="export_progress_range"),
        ]

    def __str__(self) -> str:
        return f"{self.file_name or self.report}（{self.get_status_display()}）"


class Preview(WorkerJob, models.Model):
    """The pages of one Word file as images, for the PDF preview in the browser, made by a worker.

    Cached by content: `digest` is the SHA-256 of the .docx bytes, so the same file is converted
    once and any change of content makes a new preview. The bytes to convert and everything made
    from them live in the database (web and worker share no disk). Who may see it: `scope` report —
    whoever may open `report`; packet — the bureau's admins and leaders.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    class Scope(models.TextChoices):
        REPORT = "report", "报告"
        PACKET = "packet", "材料汇编"

    bureau = models.ForeignKey(Bureau, on_delete=models.CASCADE, related_name="+", verbose_name="财政局")
    digest = models.CharField("文件摘要（SHA-256）", max_length=64)
    scope = models.CharField("预览对象", max_length=16, choices=Scope.choices, default=Scope.REPORT)
    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name="报告"
    )
    # a meeting packet's preview: whoever may see the packet may see it (selectors.packets)
    packet = models.ForeignKey(
        "Packet", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name="材料汇编"
    )
    title = models.CharField("标题", max_length=255)
    masked = models.BooleanField("脱敏稿", default=False)
    docx = models.BinaryField("Word 文件", editable=False)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    error = models.TextField("错误信息", blank=True)
    pdf = models.BinaryField("PDF 文件", null=True, blank=True, editable=False)
    page_count = models.PositiveIntegerField("页数", default=0)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="申请人",
    )
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    # last sign of life: queued, claimed by a worker, progress, re-queued (see STALL_AFTER)
    heartbeat_at = models.DateTimeField("最近进展时间", default=timezone.now)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "PDF 预览"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["bureau", "digest"], name="preview_unique_digest"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="preview_progress_range"),
            models.CheckConstraint(
                condition=Q(scope="packet") | Q(report__isnull=False), name="preview_report_scope_has_report"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.get_status_display()}）"


class PreviewPage(models.Model):
    """One page of a finished preview as a PNG image."""

    preview = models.ForeignKey(Preview, on_delete=models.CASCADE, related_name="pages", verbose_name="预览")
    number = models.PositiveIntegerField("页码")
    image = models.BinaryField("图像（PNG）", editable=False)
    width = models.PositiveIntegerField("宽（像素）")
    height = models.PositiveIntegerField("高（像素）")

    class Meta:
        verbose_name = verbose_name_plural = "PDF 预览页"
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["preview", "number"], name="previewpage_unique_number")
        ]

    def __str__(self) -> str:
        return f"第{self.number}页"


class Packet(WorkerJob, models.Model):
    """A meeting packet (会议材料汇编) being built: its parts render in parallel (one task each),
    the last part to finish queues the assembly. Bytes live in the database (no shared disk)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "生成中"
        ASSEMBLING = "assembling", "汇编中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    class Format(models.TextChoices):
        DOCX = "docx", "Word 文件（.docx）"
        PDF = "pdf", "PDF 文件"
        ZIP = "zip", "分别打包（压缩包，每份报告一个 Word 文件）"

    bureau = models.ForeignKey(
        Bureau, on_delete=models.CASCADE, related_name="packets", verbose_name="财政局"
    )
    meeting = models.CharField("会议名称", max_length=100)
    date = models.DateField("日期")
    masked = models.BooleanField("脱敏稿", default=False)
    format = models.CharField("格式", max_length=8, choices=Format.choices, default=Format.DOCX)
    double_sided = models.BooleanField("双面印刷", default=False)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField("错误信息", blank=True)
    file_name = models.CharField("文件名", max_length=255, blank=True)
    content = models.BinaryField("文件内容", null=True, blank=True, editable=False)
    # the packet as one .docx (also for a PDF packet: its PDF preview converts this); none for a zip
    docx = models.BinaryField("汇编Word文件", null=True, blank=True, editable=False)
    pages_estimated = models.BooleanField("目录页码为估算值", default=False)
    attempts = models.PositiveSmallIntegerField("汇编次数", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="创建人",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    heartbeat_at = models.DateTimeField("最近进展时间", default=timezone.now)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "材料汇编"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.meeting}（{self.get_status_display()}）"


class PacketPart(models.Model):
    """One report of a packet: the approved revision frozen when the packet was requested, then
    rendered alone (its .docx, its page count) by one task."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    packet = models.ForeignKey(
        Packet, on_delete=models.CASCADE, related_name="parts", verbose_name="材料汇编"
    )
    position = models.PositiveSmallIntegerField("顺序")
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="+", verbose_name="报告")
    title = models.CharField("标题", max_length=300)  # as the 目录 prints it, for messages and lists
    # what the part's render depends on (content, masking, layout, measuring): a done part with the
    # same digest is reused instead of rendered and measured again (services.packets.part_digest)
    digest = models.CharField("内容摘要", max_length=64, db_index=True, blank=True)
    snapshot = models.JSONField("内容快照")  # the approved revision with its metric values
    options = models.JSONField("脱敏选项", default=dict, blank=True)
    file_name = models.CharField("文件名", max_length=255)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField("错误信息", blank=True)
    resolved = models.JSONField("解析后内容", null=True, blank=True)  # placeholders resolved, masked
    secrets = models.JSONField("脱敏数字", default=list, blank=True)  # what a masked packet must not show
    content = models.BinaryField("Word文件", null=True, blank=True, editable=False)
    page_count = models.PositiveSmallIntegerField("页数", null=True, blank=True)
    pages_estimated = models.BooleanField("页数为估算值", default=False)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    heartbeat_at = models.DateTimeField("开始时间", default=timezone.now)  # claimed by a worker

    class Meta:
        verbose_name = verbose_name_plural = "材料汇编报告"
        ordering = ["packet", "position"]
        constraints = [
            models.UniqueConstraint(fields=["packet", "position"], name="packet_part_unique_position")
        ]

    def __str__(self) -> str:
        return self.title


class Metric(models.Model):
    """One figure of a bureau's 指标库 for a year and period, referenced from prose as {{name}}."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "已确认"
        PROVISIONAL = "provisional", "预计"

    bureau = models.ForeignKey(
        Bureau, on_delete=models.CASCADE, related_name="metrics", verbose_name="财政局"
    )
    year = models.PositiveSmallIntegerField("年度")
    period = models.CharField("期间", max_length=20, blank=True)
    name = models.CharField("指标名称", max_length=100)
    value = models.DecimalField("数值", max_digits=24, decimal_places=6, null=True, blank=True)
    unit = models.CharField("单位", max_length=20, blank=True)
    decimals = models.PositiveSmallIntegerField("小数位", default=1)
    prior_value = models.DecimalField("上年同期", max_digits=24, decimal_places=6, null=True, blank=True)
    budget_value = models.DecimalField("年初预算", max_digits=24, decimal_places=6, null=True, blank=True)
    source = models.CharField("来源", max_length=100, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PROVISIONAL)
    version = models.PositiveIntegerField("版本号", default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="更新人",
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "指标"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "year", "period", "name"],
                name="metric_unique_name",
                violation_error_message="本局该年度、该期间已有同名指标。",
            ),
            models.CheckConstraint(condition=Q(decimals__lte=6), name="metric_decimals_range"),
        ]

    def __str__(self) -> str:
        return self.name


class SensitiveTerm(models.Model):
    """A place or project name that a masked copy replaces with **."""

    bureau = models.ForeignKey(
        Bureau, on_delete=models.CASCADE, related_name="sensitive_terms", verbose_name="财政局"
    )
    term = models.CharField("敏感词", max_length=100)

    class Meta:
        verbose_name = verbose_name_plural = "敏感词"
        ordering = ["term"]
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "term"],
                name="sensitive_term_unique",
                violation_error_message="本局已有这个敏感词。",
            )
        ]

    def __str__(self) -> str:
        return self.term


class Phrase(models.Model):
    """One entry of the bureau's 提法 list (规范表述): a discouraged wording and its preferred form.

    Seeded from the starter list (reports/core/proofread/phrases.json) when a bureau is created
    (services.proofread.phrases_seed); the bureau's admin adds, edits and disables entries in the
    Django admin. Only enabled entries are checked."""

    bureau = models.ForeignKey(
        Bureau, on_delete=models.CASCADE, related_name="phrases", verbose_name="财政局"
    )
    discouraged = models.CharField("不规范表述", max_length=100)
    preferred = models.CharField("规范表述", max_length=100)
    note = models.CharField("说明", max_length=300, blank=True)
    source = models.CharField("依据", max_length=300, blank=True)
    enabled = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "规范表述（提法）"
        ordering = ["discouraged"]
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "discouraged"],
                name="phrase_unique",
                violation_error_message="本局已有这条不规范表述。",
            ),
            models.CheckConstraint(condition=~Q(discouraged=""), name="phrase_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.discouraged} → {self.preferred}"


class IgnoredFinding(models.Model):
    """A proofreading finding the drafter chose to ignore. It stays ignored while the sentence
    around it is unchanged: it matches a finding of the same rule, the same flagged characters
    and the same sentence (core.proofread.sentence_of) at the same place (`block` and `field`:
    a block's "title"/"text", or a report field when `block` is empty)."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="ignored_findings", verbose_name="报告"
    )
    block = models.ForeignKey(
        Block, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name="段落"
    )
    field = models.CharField("字段", max_length=20)
    rule = models.CharField("规则", max_length=8)
    text = models.CharField("标出的文字", max_length=200, blank=True)
    sentence = models.TextField("所在句子", blank=True)
    reason = models.CharField("忽略理由", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="忽略人",
    )
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "已忽略的校对提示"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["report", "block"])]

    def __str__(self) -> str:
        return f"{self.rule} {self.text}"


class Revision(models.Model):
    """An immutable copy of a report as submitted: the whole content plus the metric values it used."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="revisions", verbose_name="报告"
    )
    number = models.PositiveIntegerField("提交次序")
    snapshot = models.JSONField("内容快照")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="提交人",
    )
    created_at = models.DateTimeField("提交时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "提交版本"
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="revision_unique_number")]

    def __str__(self) -> str:
        return f"第{self.number}次提交"


class Comment(models.Model):
    """A reviewer's or drafter's remark on one block (or the whole report), with threaded replies."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="comments", verbose_name="报告")
    revision = models.ForeignKey(
        Revision,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name="提交版本",
    )
    block = models.ForeignKey(
        Block, on_delete=models.SET_NULL, null=True, blank=True, related_name="comments", verbose_name="段落"
    )
    # where the block was, kept if it is deleted
    block_label = models.CharField("位置", max_length=200, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies", verbose_name="回复于"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="作者"
    )
    text = models.TextField("内容")
    resolved = models.BooleanField("已解决", default=False)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "批注"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:30]


class Suggestion(models.Model):
    """A leader's proposed wording for one field of a block (留痕), made on a submitted revision and
    decided by the drafter (采纳 / 不采纳) or applied by the leader on approval (采纳修改并审定).

    `base_text` is the field as it stood in `revision`; `text` the whole field as proposed. An open
    suggestion whose block no longer holds `base_text` is stale (derived, never stored): it is shown
    but never applied. One open suggestion per (block, field, author): editing again updates it."""

    class Field(models.TextChoices):
        TITLE = "title", "标题"
        TEXT = "text", "正文"

    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        ACCEPTED = "accepted", "已采纳"
        REJECTED = "rejected", "未采纳"
        APPLIED_ON_APPROVAL = "applied_on_approval", "审定时采纳"

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="suggestions", verbose_name="报告"
    )
    block = models.ForeignKey(
        Block, on_delete=models.CASCADE, related_name="suggestions", verbose_name="段落"
    )
    revision = models.ForeignKey(
        Revision, on_delete=models.CASCADE, related_name="suggestions", verbose_name="提交版本"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="提出人账户",
    )
    # who it was when suggesting (like AuditLog.actor_name): a later rename changes nothing here
    author_name = models.CharField("提出人", max_length=150)
    field = models.CharField("字段", max_length=8, choices=Field.choices)
    base_text = models.TextField("原文", blank=True)
    text = models.TextField("建议文字", blank=True)
    status = models.CharField("状态", max_length=24, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="处理人",
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    created_at = models.DateTimeField("提出时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "修改建议"
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["block", "field", "author"],
                condition=Q(status="open"),
                name="suggestion_one_open_per_author",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author_name}：{self.text[:20]}"


class AuditLog(models.Model):
    """Who did what, when, from where. Written by services only; read-only everywhere."""

    class Action(models.TextChoices):
        """Every action a service records, with the label users read (a new action gets one here)."""

        SUBMIT = "submit", "提交审核"
        WITHDRAW = "withdraw", "撤回提交"
        APPROVE = "approve", "审定"
        RETURN = "return", "退回修改"
        REDRAFT = "redraft", "重新起草"
        COMMENT = "comment", "批注"
        COMMENT_RESOLVE = "comment_resolve", "处理批注"
        ASSIGN = "assign", "分配章节"
        BLOCK_SAVE = "block_save", "修改内容"
        REPORT_FIELDS_SAVE = "report_fields_save", "修改报告信息"
        EXPORT = "export", "导出"
        METRIC = "metric", "指标变更"
        PERMISSION = "permission", "权限变更"
        REPORT_IMPORT = "report_import", "导入报告"
        REPORT_CARRY_FORWARD = "report_carry_forward", "沿用上年报告新建"
        REPORT_DELETE = "report_delete", "删除报告（移入回收站）"
        REPORT_RESTORE = "report_restore", "从回收站恢复报告"
        REPORT_PURGE = "report_purge", "彻底删除报告"
        PROOFREAD_FIX = "proofread_fix", "校对：修改全部安全项"
        PROOFREAD_IGNORE = "proofread_ignore", "校对：忽略提示"
        PACKET = "packet", "生成材料汇编"
        PACKET_RANK = "packet_rank", "修改班子成员排序"
        SUGGESTION = "suggestion", "修改建议"
        SUGGESTION_ACCEPT = "suggestion_accept", "采纳修改建议"
        SUGGESTION_REJECT = "suggestion_reject", "不采纳修改建议"
        APPROVE_WITH_SUGGESTIONS = "approve_with_suggestions", "采纳修改并审定"
        MARKUP_IMPORT = "markup_import", "导入修改稿"
        BLOCK_REUSE = "block_reuse", "引用去年内容"

    bureau = models.ForeignKey(
        Bureau, on_delete=models.CASCADE, related_name="audit_logs", verbose_name="财政局"
    )
    report = models.ForeignKey(
        Report,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_logs",
        verbose_name="报告",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="操作人账户",
    )
    # who it was at the time of the action: a later rename or deletion of the user changes nothing here
    actor_username = models.CharField("操作人用户名", max_length=150, blank=True)
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    action = models.CharField("操作", max_length=40, choices=Action.choices)
    summary = models.CharField("摘要", max_length=300)
    detail = models.JSONField("详情", default=dict, blank=True)
    ip = models.GenericIPAddressField("来源地址", null=True, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "操作记录"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["bureau", "action", "created_at"])]

    def __str__(self) -> str:
        return self.summary

    @property
    def actor_display(self) -> str:
        """The actor as named when the action happened (系统 for actions without a user)."""
        return self.actor_name or self.actor_username or "系统"

    @classmethod
    def action_label(cls, code: str) -> str:
        """The label of an action code (the code itself if it has none, so no entry is hidden)."""
        return dict(cls.Action.choices).get(code, code)


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name="用户"
    )
    text = models.CharField("内容", max_length=300)
    url = models.CharField("链接", max_length=300, blank=True)
    read = models.BooleanField("已读", default=False)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read"])]

    def __str__(self) -> str:
        return self.text


class Deadline(models.Model):
    """When a kind of report is due, per bureau and year (set by the bureau's admin)."""

    bureau = models.ForeignKey(
        Bureau, on_delete=models.CASCADE, related_name="deadlines", verbose_name="财政局"
    )
    kind = models.ForeignKey(
        ReportKind, on_delete=models.CASCADE, related_name="deadlines", verbose_name="报告类型"
    )
    year = models.PositiveSmallIntegerField("年度")
    due_date = models.DateField("截止日期")

    class Meta:
        verbose_name = verbose_name_plural = "截止日期"
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "kind", "year"],
                name="deadline_unique",
                violation_error_message="本局已设置该年度这类报告的截止日期。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.kind}截止日期"


# An editor counts as present this long after its last poll (the page polls more often).
PRESENCE_WINDOW = dt.timedelta(seconds=45)


class Presence(models.Model):
    """Who has a report open in the editor (refreshed by the page while it is open)."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="presences", verbose_name="报告"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="用户"
    )
    last_seen = models.DateTimeField("最近在线")

    class Meta:
        verbose_name = verbose_name_plural = "在线编辑"
        constraints = [models.UniqueConstraint(fields=["report", "user"], name="presence_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.report}"


class ImportDraft(models.Model):
    """The import preview a user is fixing (a parsed report, ParsedReport.to_state()), kept here
    rather than in the session: a big preview in the session slowed every later request of its
    user. The session holds only this row's id. `revision` goes up with every fix, so a stale tab
    cannot overwrite newer fixes. Rows past `expires_at` are deleted whenever a preview is stored
    (services.imports.import_draft_save) and by `manage.py purge_import_drafts`."""

    TTL = dt.timedelta(hours=24)

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="用户"
    )
    revision = models.PositiveIntegerField("修订号", default=1)
    payload = models.JSONField("预览内容")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    expires_at = models.DateTimeField("过期时间", db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "导入预览"

    def __str__(self) -> str:
        return f"导入预览 {self.pk}（{self.owner_id}）"


class SearchEntry(models.Model):
    """One searchable passage of a report (reports/core/search.py `passages`): a block's title and
    text, or the 导语 / 结尾. Rebuilt from the report by services.search, never edited by hand.

    `source` live: the current text; approved: the approved revision's passage, stored only where
    it differs from the live one (a redrafted report is still found by what was approved).
    `approved`: this text is the approved revision's (the 只看已审定 filter).
    `terms`: the segmented words, space-joined and space-padded (" 预算 绩效 "), what SQLite
    searches with LIKE; `vector`: the same words with positions and weights, PostgreSQL only
    (a GIN index made by migration 0017 on PostgreSQL)."""

    class Source(models.TextChoices):
        LIVE = "live", "当前稿"
        APPROVED = "approved", "审定稿"

    bureau = models.ForeignKey(Bureau, on_delete=models.CASCADE, related_name="+", verbose_name="财政局")
    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="search_entries", verbose_name="报告"
    )
    block = models.ForeignKey(
        Block, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="段落"
    )
    source = models.CharField("来源", max_length=16, choices=Source.choices, default=Source.LIVE)
    key = models.CharField("位置键", max_length=32)  # core.search.Passage.key: b<id>, opening, closing
    position = models.PositiveIntegerField("顺序", default=0)
    path = models.CharField("位置", max_length=200, blank=True)
    section_kind = models.CharField("章节类别", max_length=16, blank=True)
    approved = models.BooleanField("已审定", default=False)
    text = models.TextField("内容")
    terms = models.TextField("分词", blank=True)
    vector = SearchVectorField("检索向量", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "检索条目"
        ordering = ["report", "source", "position"]
        constraints = [
            models.UniqueConstraint(fields=["report", "source", "key"], name="searchentry_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.path}"


class SearchStale(models.Model):
    """A report whose search entries may be behind its text: its index update could not be queued
    (the broker was down) or failed. The next search, the worker or `manage.py search_reindex`
    rebuilds it and deletes the row."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="+", verbose_name="报告")
    marked_at = models.DateTimeField("标记时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "待更新检索"

    def __str__(self) -> str:
        return f"{self.report_id}"
