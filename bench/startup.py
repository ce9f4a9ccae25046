"""Start-up time: from process start to the login screen drawn, and to its PIN pad taking a
PIN, beside a bare PySide6 window.

    uv run python bench/startup.py [--runs 5]

Each run starts a fresh interpreter. The parent notes the monotonic clock (system-wide on
Linux) just before it starts the child; the child prints the clock when the first paint of
its screen arrives (the register's login screen, or the bare window's label); the register's
also prints it when the login screen's PIN pad is enabled (the embedded server up, the
register connected: a cashier can log in) and exits then. The two kinds alternate so that both
see the same machine. The register runs as ``./dev run``
starts it: the embedded server with demo data, over a data folder that one unmeasured first
start has already set up (the cold first start is reported on its own line).

Aims: median register to first paint / median bare <= 4; median register to a PIN pad that
takes a PIN <= 1.5 s. Without a display the offscreen platform is used.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AIM_RATIO = 4.0
AIM_READY_SECONDS = 1.5
SHOWN = "SHOWN"
READY = "READY"
CHILD_TIMEOUT_SECONDS = 120


def _report_first_paint(widget: object, *, then_quit: bool = True) -> None:
    """Print the clock at ``widget``'s first paint, then leave the event loop (``then_quit``)."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    assert isinstance(widget, QWidget)

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and not self.property("seen"):
                self.setProperty("seen", True)
                print(SHOWN, time.monotonic(), flush=True)
                if then_quit:
                    QTimer.singleShot(0, QApplication.quit)
            return False

    watcher = FirstPaint(widget)
    widget.installEventFilter(watcher)


def _report_ready(pin_pad: object) -> None:
    """Print the clock when ``pin_pad`` is enabled (the register behind it connected), then
    leave the event loop: asked every 5 ms."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    assert isinstance(pin_pad, QWidget)
    timer = QTimer(pin_pad)

    def check() -> None:
        if pin_pad.isEnabled():
            timer.stop()
            print(READY, time.monotonic(), flush=True)
            QApplication.quit()

    timer.timeout.connect(check)
    timer.start(5)


def child_bare() -> None:
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication(sys.argv)
    window = QMainWindow()
    label = QLabel("Hello", window)
    window.setCentralWidget(label)
    _report_first_paint(label)
    window.show()
    app.exec()


def child_register() -> None:
    sys.path.insert(0, str(ROOT))
    from PySide6.QtWidgets import QApplication

    import main

    # The steps of main.main(), with marks around them.
    main.quiet_request_logs()
    main.pause_collector()
    app = QApplication(sys.argv)
    window = main.build()
    login = getattr(window, "login_view")  # noqa: B009 (MainWindow's, typed in ui/)
    _report_first_paint(login, then_quit=False)
    _report_ready(login.pin_pad)
    window.show()
    app.exec()
    window.close()  # stops the embedded server


def start_once(kind: str, env: dict[str, str]) -> dict[str, float]:
    """Seconds from starting a ``kind`` child to each mark it printed: its first paint, and
    for the register its PIN pad ready."""
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, __file__, "--child", kind],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    out, err = process.communicate(timeout=CHILD_TIMEOUT_SECONDS)
    marks = {
        line.split()[0]: float(line.split()[1]) - started
        for line in out.splitlines()
        if line.startswith((SHOWN, READY))
    }
    wanted = (SHOWN, READY) if kind == "register" else (SHOWN,)
    if any(mark not in marks for mark in wanted):
        raise SystemExit(f"the {kind} child stopped early (exit {process.returncode}):\n{err}")
    return marks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", choices=("bare", "register"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "bare":
        child_bare()
        return 0
    if args.child == "register":
        child_register()
        return 0

    with tempfile.TemporaryDirectory(prefix="pos-startup-") as data_dir:
        # POS_DEMO: the demo store, without the first start's question.
        env = {**os.environ, "POS_DATA_DIR": data_dir, "POS_LOG_LEVEL": "warning", "POS_DEMO": "1"}
        env.pop("POS_SERVER_URL", None)
        # As on a register: Python keeps the modules it compiled at the first start.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
            env.setdefault("QT_QPA_PLATFORM", "offscreen")
        print(f"platform: {env.get('QT_QPA_PLATFORM', 'default')}, runs: {args.runs}")
        cold = start_once("register", env)[READY]
        print(f"register, first start (migrations, demo data, enrolment): {cold * 1000:.0f} ms")
        bare: list[float] = []
        register: list[float] = []
        ready: list[float] = []
        for _ in range(args.runs):
            bare.append(start_once("bare", env)[SHOWN])
            marks = start_once("register", env)
            register.append(marks[SHOWN])
            ready.append(marks[READY])

    def figures(values: list[float]) -> str:
        shown = ", ".join(f"{value * 1000:.0f}" for value in values)
        return f"median {statistics.median(values) * 1000:.0f} ms  [{shown}]"

    ratio = statistics.median(register) / statistics.median(bare)
    print(f"bare PySide6 window:       {figures(bare)}")
    print(f"register to login screen:  {figures(register)}")
    print(f"register to PIN pad ready: {figures(ready)}")
    verdict = "meets" if ratio <= AIM_RATIO else "misses"
    print(f"first paint ratio: {ratio:.2f} ({verdict} the aim of <= {AIM_RATIO:.0f})")
    verdict = "meets" if statistics.median(ready) <= AIM_READY_SECONDS else "misses"
    print(f"PIN pad ready: {verdict} the aim of <= {AIM_READY_SECONDS} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
