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


class InvalidInput(DomainError):
    pass
