from __future__ import annotations

import datetime as dt

from django import forms

from .models import Department, ReportKind


class ReportCreateForm(forms.Form):
    kind = forms.ModelChoiceField(
        label="报告类型", queryset=ReportKind.objects.filter(is_active=True), empty_label=None
    )
    year = forms.IntegerField(
        label="年度",
        min_value=2000,
        max_value=2100,
        error_messages={
            "invalid": "请输入四位数字年度，如2025。",
            "min_value": "年度不能早于2000年。",
            "max_value": "年度不能晚于2100年。",
            "required": "请填写年度。",
        },
    )
    subject = forms.CharField(
        label="主体",
        max_length=100,
        required=False,
        help_text="述职报告填写述职人（如“局长 王建国”）；总结、计划填写单位名称。",
        error_messages={"max_length": "主体最多100字。"},
    )
    department = forms.ModelChoiceField(label="牵头科室", queryset=Department.objects.none(), required=False)

    def __init__(self, *args, bureau=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = dt.date.today().year
        if bureau is not None:
            self.fields["department"].queryset = bureau.departments.all()
            self.fields["subject"].initial = bureau.name
