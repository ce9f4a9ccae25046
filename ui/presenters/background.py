"""The base of presenters whose service calls run on a worker and answer by signal."""

from __future__ import annotations

from PySide6.QtCore import QObject, QThreadPool, Signal

from ui.workers import Worker


class BackgroundPresenter(QObject):
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self._worker = Worker(self, pool)
        self._worker.busy_changed.connect(self.busy_changed)

    @property
    def busy(self) -> bool:
        return self._worker.busy
