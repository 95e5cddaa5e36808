from __future__ import annotations

import datetime as dt

from django import forms

from .core.metrics import UNITS
from .core.placeholders import metric_name_problem
from .core.search import SectionKind
from .core.text import clean_text
from .core.years import YEAR_MAX, YEAR_MIN
from .models import Department, Metric, Report, ReportKind

MAX_IMPORT_BYTES = 2 * 1024 * 1024


def year_field(*, required: bool = True) -> forms.IntegerField:
    """A report year (YEAR_MIN–YEAR_MAX) with Chinese messages; every form that asks for a year uses it."""
    return forms.IntegerField(
        label="年度",
        required=required,
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        error_messages={
            "invalid": "请输入四位数字年度，如2025。",
            "min_value": f"年度不能早于{YEAR_MIN}年。",
            "max_value": f"年度不能晚于{YEAR_MAX}年。",
            "required": "请填写年度。",
        },
    )


class ReportCreateForm(forms.Form):
    kind = forms.ModelChoiceField(
        label="报告类型", queryset=ReportKind.objects.filter(is_active=True), empty_label=None
    )
    year = year_field()
    subject = forms.CharField(
        label="主体",
        max_length=100,
        required=False,
        help_text="述职报告填写述职人（如“局长 王建国”）；总结、计划填写单位名称。",
        error_messages={"max_length": "主体最多100字。"},
    )

    def __init__(self, *args, bureau=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = dt.date.today().year
        if bureau is not None:
            self.fields["subject"].initial = bureau.name


class MetricForm(forms.ModelForm):
    class Meta:
        model = Metric
        fields = ["name", "value", "unit", "decimals", "prior_value", "budget_value", "source", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = forms.ChoiceField(label="单位", choices=[(u, u) for u in UNITS], required=False)
        self.fields["decimals"].widget.attrs.update(min=0, max=6)
        for name in ("value", "prior_value", "budget_value"):
            self.fields[name].localize = False
            self.fields[name].widget = forms.TextInput(attrs={"inputmode": "decimal"})
            self.fields[name].error_messages["invalid"] = (
                "请输入数字，如 186.4 或 -3.2（不要带单位或“约”字）。"
            )

    def clean_name(self) -> str:
        name = clean_text(self.cleaned_data["name"], multiline=False)
        problem = metric_name_problem(name)
        if problem:
            raise forms.ValidationError(f"{problem}。")
        return name

    def clean_decimals(self) -> int:
        decimals = self.cleaned_data["decimals"]
        if decimals is None or not 0 <= decimals <= 6:
            raise forms.ValidationError("小数位应为0～6。")
        return decimals


class MetricImportForm(forms.Form):
    file = forms.FileField(
        label="指标文件（.xlsx 或 .csv）", error_messages={"required": "请选择要导入的文件。"}
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                f"文件过大（{upload.size // 1024} KB），指标文件最大 {MAX_IMPORT_BYTES // 1024 // 1024} MB。"
            )
        return upload


class ReportFilterForm(forms.Form):
    """The report list's search and filters, read from the query string (bookmarkable).

    A blank field does not filter; an invalid one is reported and ignored, the others still apply.
    """

    q = forms.CharField(
        label="搜索",
        required=False,
        max_length=100,
        error_messages={"max_length": "搜索词最多100字。"},
    )
    year = year_field(required=False)
    kind = forms.ModelChoiceField(
        label="类型",
        queryset=ReportKind.objects.all(),
        to_field_name="code",
        required=False,
        empty_label="全部类型",
        error_messages={"invalid_choice": "没有这种报告类型。"},
    )
    status = forms.ChoiceField(
        label="状态",
        choices=[("", "全部状态"), *Report.Status.choices],
        required=False,
        error_messages={"invalid_choice": "没有这种状态。"},
    )
    department = forms.ModelChoiceField(
        label="科室",
        queryset=Department.objects.none(),
        required=False,
        empty_label="全部科室",
        error_messages={"invalid_choice": "没有这个科室。"},
    )

    def __init__(self, *args, bureau=None, **kwargs):
        super().__init__(*args, **kwargs)
        if bureau is not None:
            self.fields["department"].queryset = bureau.departments.order_by("id")
        self.fields["q"].widget.attrs.update(placeholder="标题或主体", type="search")
        self.fields["year"].widget.attrs.update(placeholder="全部年度")

    def filters(self) -> dict:
        """The valid filters, as keyword arguments of selectors.reports.report_search."""
        self.is_valid()  # collects errors; cleaned_data keeps every field that is valid
        data = getattr(self, "cleaned_data", {})
        return {name: data[name] for name in ("q", "year", "kind", "status", "department") if name in data}

    @property
    def active(self) -> bool:
        return any(self.filters().values())


class SearchForm(ReportFilterForm):
    """The search page's query and filters (GET, bookmarkable): the report list's year, kind and
    department, plus the section kind and 只看已审定. Invalid filters are reported and ignored."""

    status = None  # a report's state is shown on each hit, not searched by
    section_kind = forms.ChoiceField(
        label="章节",
        choices=[("", "全部章节"), *SectionKind.CHOICES],
        required=False,
        error_messages={"invalid_choice": "没有这种章节类别。"},
    )
    approved_only = forms.BooleanField(label="只看已审定", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(placeholder="如：预算绩效管理、三会一课")

    def filters(self) -> dict:
        """The valid query and filters, as keyword arguments of selectors.search.search."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        names = ("q", "year", "kind", "department", "section_kind", "approved_only")
        return {name: data[name] for name in names if name in data}
