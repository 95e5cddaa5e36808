from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0005_chinese_labels_and_unique_messages"),
    ]

    operations = [
        migrations.RenameField(model_name="report", old_name="version", new_name="head_version"),
        migrations.AlterField(
            model_name="report",
            name="head_version",
            field=models.PositiveIntegerField(default=1, verbose_name="标题区版本"),
        ),
        migrations.AddField(
            model_name="report",
            name="tail_version",
            field=models.PositiveIntegerField(default=1, verbose_name="结尾区版本"),
        ),
        migrations.AlterField(
            model_name="auditlog",
            name="action",
            field=models.CharField(
                choices=[
                    ("submit", "提交审核"),
                    ("withdraw", "撤回提交"),
                    ("approve", "审定"),
                    ("return", "退回修改"),
                    ("redraft", "重新起草"),
                    ("comment", "批注"),
                    ("comment_resolve", "处理批注"),
                    ("assign", "分配章节"),
                    ("block_save", "修改内容"),
                    ("report_fields_save", "修改报告信息"),
                    ("export", "导出"),
                    ("metric", "指标变更"),
                    ("permission", "权限变更"),
                    ("report_import", "导入报告"),
                    ("report_carry_forward", "沿用上年报告新建"),
                ],
                max_length=40,
                verbose_name="操作",
            ),
        ),
    ]
