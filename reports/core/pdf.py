""".docx -> PDF preview with headless LibreOffice (docs/layout.md §7–§9).

The conversion uses templates_docx/fonts.conf through FONTCONFIG_FILE (absolute path, or
fontconfig silently loads the system configuration) so the licensed font names in the .docx map
to open substitutes, and a private LibreOffice profile so it never touches a user's profile.

One resident LibreOffice per process and profile, because starting one costs 2–4 s and a
conversion by a running one 0.3–0.6 s (tests/bench/bench_pdf.py, docs/layout.md R10):

1. The first conversion starts ``soffice --headless`` on the profile with a placeholder document
   open: an office with no document open exits as soon as it has served one request (R10).
2. It waits until the office has loaded the placeholder, i.e. until LibreOffice has written the
   placeholder's lock file ``.~lock.<name>#`` (the profile's own ``.lock`` is no signal: on a new
   profile the office restarts once and removes it in between, R11).
3. Each conversion runs ``soffice --convert-to`` with the same profile: it finds the resident
   office's pipe, hands it the request, waits for it and exits.
4. A guard shell owns the office: it kills the office's process group when this process closes
   (or loses, by dying in any way) its stdin pipe, and exits when the office exits. A failed or
   timed-out conversion stops the office; the next one starts a new one. When no office comes up,
   the conversion runs in a one-shot office, as before.

Pure: no Django, no Celery.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

FONTS_CONF = Path(__file__).resolve().parents[2] / "templates_docx" / "fonts.conf"

PLACEHOLDER = "resident.txt"  # kept open by the resident office, inside the profile directory
# The office runs in the background ("$1"... are soffice and its arguments); when it exits, or when
# `read` returns because our end of stdin was closed, the whole process group is killed.
# Blank pages LibreOffice inserts so that a section starts on an odd page (a double-sided packet) are
# kept: without them a printer's sides and the printed page numbers would disagree.
PDF_FILTER = 'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'
_GUARD = '("$@"; kill 0) </dev/null >/dev/null 2>&1 & read -r _; kill 0'


class PdfConversionError(RuntimeError):
    """LibreOffice is missing, failed, timed out or wrote no PDF."""


class LibreOfficeMissing(PdfConversionError):
    """No LibreOffice executable: not installed, or $SOFFICE names no program."""


def soffice_binary() -> str:
    """The LibreOffice executable ($SOFFICE, else soffice/libreoffice on PATH).

    Raises LibreOfficeMissing when there is none, or $SOFFICE names no executable program (a
    mistyped path must say so, not fail later as an OSError of the conversion)."""
    found = os.environ.get("SOFFICE") or shutil.which("soffice") or shutil.which("libreoffice")
    if not found or not shutil.which(found):
        raise LibreOfficeMissing(f"LibreOffice (soffice) is not installed or not on PATH: {found or ''}")
    return found


def process_workdir() -> Path:
    """This process's working directory for conversions (its profile lives there); removed at exit."""
    return Path(tempfile.gettempdir()) / f"docx2pdf-{os.getpid()}"


_offices: dict[tuple[int, Path], subprocess.Popen] = {}  # (owner pid, profile) -> guard shell
_lock = threading.Lock()


def docx_to_pdf(docx_bytes: bytes, workdir: Path | None = None, timeout: float = 120) -> bytes:
    """Convert .docx bytes to PDF bytes with headless LibreOffice.

    workdir: a directory kept between calls; the LibreOffice profile is ``workdir/lo-profile`` and
    the resident office of this process serves every later call with the same workdir. Default:
    process_workdir(). Two processes must not share a workdir (LibreOffice locks its profile);
    calls within one process are serialised. Scratch files of one call are always removed.

    Raises PdfConversionError when LibreOffice is missing, exits non-zero, exceeds `timeout`
    seconds (start-up of the resident office included; everything it started is killed) or
    produces no PDF.
    """
    binary = soffice_binary()
    base = Path(workdir).resolve() if workdir else process_workdir()
    deadline = time.monotonic() + timeout
    with _lock:
        profile = base / "lo-profile"
        profile.mkdir(parents=True, exist_ok=True)
        job = Path(tempfile.mkdtemp(prefix="job-", dir=base))
        try:
            _ensure_office(binary, profile, deadline, timeout)
            return _convert(binary, docx_bytes, job, profile, deadline, timeout)
        except PdfConversionError:
            _stop_office(profile)  # a hung or broken office must not serve the next conversion
            raise
        finally:
            shutil.rmtree(job, ignore_errors=True)


def _env(profile: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["FONTCONFIG_FILE"] = str(FONTS_CONF.resolve())
    env["HOME"] = str(profile)  # LibreOffice and fontconfig write caches under $HOME
    return env


def _profile_args(profile: Path) -> list[str]:
    return [f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nologo"]


def _ensure_office(binary: str, profile: Path, deadline: float, timeout: float) -> None:
    """Start the resident office for `profile` unless it runs; return when it serves requests.

    Returns without an office when it exits during start-up (the conversion then runs one-shot and
    reports LibreOffice's own error). Raises PdfConversionError at the deadline.
    """
    key = (os.getpid(), profile)
    guard = _offices.get(key)
    if guard is not None and guard.poll() is None:
        return
    ready = profile / f".~lock.{PLACEHOLDER}#"
    for stale in (ready, profile / ".lock"):  # left behind by a killed office
        stale.unlink(missing_ok=True)
    placeholder = profile / PLACEHOLDER
    placeholder.write_text("", encoding="utf-8")
    guard = subprocess.Popen(
        ["sh", "-c", _GUARD, "sh", binary, *_profile_args(profile), str(placeholder)],
        cwd=profile,
        env=_env(profile),
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    _offices[key] = guard
    while not ready.exists():
        if guard.poll() is not None:
            _offices.pop(key, None)
            return
        if time.monotonic() > deadline:
            raise PdfConversionError(f"LibreOffice did not finish within {timeout} s")
        time.sleep(0.05)


def stop_office(workdir: Path | None = None) -> None:
    """Stop this process's resident office for `workdir` (default: process_workdir()), if any."""
    with _lock:
        _stop_office((Path(workdir).resolve() if workdir else process_workdir()) / "lo-profile")


def _stop_office(profile: Path) -> None:
    guard = _offices.pop((os.getpid(), profile), None)
    if guard is not None:
        _kill_group(guard)


@atexit.register
def _stop_offices() -> None:
    """Stop this process's offices and remove its default workdir (the guard would stop the
    offices anyway once this process is gone)."""
    for pid, profile in list(_offices):
        if pid == os.getpid():
            _stop_office(profile)
    shutil.rmtree(process_workdir(), ignore_errors=True)


def _convert(
    binary: str, docx_bytes: bytes, job: Path, profile: Path, deadline: float, timeout: float
) -> bytes:
    source = job / "report.docx"
    source.write_bytes(docx_bytes)
    outdir = job / "out"
    cmd = [binary, *_profile_args(profile), "--convert-to", PDF_FILTER, "--outdir", str(outdir)]
    # A new session lets us kill soffice.bin too, which the soffice wrapper script starts.
    proc = subprocess.Popen(
        [*cmd, str(source)],
        cwd=job,
        env=_env(profile),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        stdout, stderr = proc.communicate(timeout=max(deadline - time.monotonic(), 0.001))
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise PdfConversionError(f"LibreOffice did not finish within {timeout} s") from None
    pdf = outdir / "report.pdf"
    if proc.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        detail = (stderr or stdout).decode("utf-8", "replace").strip()[-2000:]
        raise PdfConversionError(
            f"LibreOffice conversion failed (exit {proc.returncode}): {detail or 'no PDF written'}"
        )
    return pdf.read_bytes()


def _kill_group(proc: subprocess.Popen, wait: float = 10) -> None:
    """SIGKILL the process group and wait (up to `wait` seconds) until every member has exited: a
    large soffice.bin can take a moment to die on a loaded machine, and the next conversion on the
    same profile must not find it still holding the profile."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, 0)  # anyone of the group left?
        except ProcessLookupError:
            return
        time.sleep(0.02)
