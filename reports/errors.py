"""Domain errors. Their messages are shown to users, so they are in Chinese.

Each class says with which HTTP status it is answered (`status_code`); views turn any of them into
a response through one helper, views.common.domain_error_response: 403 the user may not do this,
409 the state of the data does not allow it (now), 422 the input is invalid.
"""


class DomainError(Exception):
    """A rule of the domain refused the action; str(error) is the Chinese message."""

    status_code = 422


class NotEditable(DomainError):
    """The report is not a draft (any more), or is in the 回收站. 422, not 409: an edit refused for
    the report's state must stay distinguishable from a stale version (BlockConflict, 409), which
    the editor answers by offering both texts."""

    status_code = 422


class BlockConflict(DomainError):
    """A save carried a stale version; `current` is the block as stored now."""

    status_code = 409

    def __init__(self, current):
        super().__init__("此段已被他人修改，您的内容尚未保存。请对比后选择保留哪一版。")
        self.current = current


class SuggestionStale(BlockConflict):
    """A suggestion's block no longer holds the text it was made on: it is never applied."""

    def __init__(self, current):
        super().__init__(current)
        self.args = ("该段已修改，此建议已过期，未采纳。",)


class ReportFieldsConflict(DomainError):
    """A save of the report's own fields carried a stale version; `current` is the report as stored."""

    status_code = 409

    def __init__(self, current, part: str):
        super().__init__("此处已被他人修改，您的内容尚未保存。请对比后选择保留哪一版。")
        self.current = current
        self.part = part


class InvalidInput(DomainError):
    status_code = 422


class SubmitBlocked(InvalidInput):
    """Proofreading found errors (an unresolved placeholder, an empty required section) that must
    be fixed before the report is submitted; `links` are (place and problem, URL) to each."""

    status_code = 422

    def __init__(self, links: list[tuple[str, str]]):
        super().__init__(f"报告中有{len(links)}处错误，修改后才能提交审核：")
        self.links = links


class LeakFound(DomainError):
    """A masked copy still contains a figure it must hide; the export is refused."""

    status_code = 422

    def __init__(self, leaks):
        first = leaks[0]
        super().__init__(
            f"脱敏检查未通过：文件中仍含有应脱敏的数字“{first.secret}”（位置：{first.part}），已停止生成，未提供下载。"
            "请检查该处是否手工录入了指标数字；选择了“仅脱敏指标”时，请取消该选项后重新导出。"
        )
        self.leaks = leaks


class ExportNeedsConfirmation(DomainError):
    """The file would show "**" or an empty numbered line; the user must confirm (or go back)."""

    status_code = 409

    def __init__(self, problems: list[str]):
        super().__init__(f"导出的文件中有{len(problems)}处需要注意：" + "；".join(problems[:3]))
        self.problems = problems


class Forbidden(DomainError):
    """The user may see the report but not do this."""

    status_code = 403


class WrongState(DomainError):
    """A workflow transition (or a delete, a retry) whose source state does not hold (any more)."""

    status_code = 409


class DuplicateReport(DomainError):
    """The report to create already exists (same kind, subject and year); `existing` is it. The
    user may open it or confirm a second one."""

    status_code = 409

    def __init__(self, existing):
        super().__init__(f"已有相同的{existing.year}年度报告“{existing.title}”。")
        self.existing = existing
