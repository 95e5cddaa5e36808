"""Domain errors. Their messages are shown to users, so they are in Chinese."""


class DomainError(Exception):
    """A rule of the domain refused the action; str(error) is the Chinese message."""


class NotEditable(DomainError):
    pass


class BlockConflict(DomainError):
    """A save carried a stale version; `current` is the block as stored now."""

    def __init__(self, current):
        super().__init__("此段已被他人修改，您的内容尚未保存。请对比后选择保留哪一版。")
        self.current = current


class ReportFieldsConflict(DomainError):
    """A save of the report's own fields carried a stale version; `current` is the report as stored."""

    def __init__(self, current, part: str):
        super().__init__("此处已被他人修改，您的内容尚未保存。请对比后选择保留哪一版。")
        self.current = current
        self.part = part


class InvalidInput(DomainError):
    pass


class LeakFound(DomainError):
    """A masked copy still contains a figure it must hide; the export is refused."""

    def __init__(self, leaks):
        first = leaks[0]
        super().__init__(
            f"脱敏检查未通过：文件中仍含有应脱敏的数字“{first.secret}”（位置：{first.part}），已停止生成，未提供下载。"
            "请检查该处是否手工录入了指标数字；选择了“仅脱敏指标”时，请取消该选项后重新导出。"
        )
        self.leaks = leaks


class ExportNeedsConfirmation(DomainError):
    """The file would show "**" or an empty numbered line; the user must confirm (or go back)."""

    def __init__(self, problems: list[str]):
        super().__init__(f"导出的文件中有{len(problems)}处需要注意：" + "；".join(problems[:3]))
        self.problems = problems


class Forbidden(DomainError):
    """The user may see the report but not do this (shown with HTTP 403)."""


class WrongState(DomainError):
    """A workflow transition whose source state does not hold (any more)."""


class DuplicateReport(DomainError):
    """The report to create already exists (same kind, subject and year); `existing` is it. The
    user may open it or confirm a second one."""

    def __init__(self, existing):
        super().__init__(f"已有相同的{existing.year}年度报告“{existing.title}”。")
        self.existing = existing
