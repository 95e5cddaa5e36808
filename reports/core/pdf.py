""".docx -> PDF preview with headless LibreOffice (docs/layout.md §7–§9).

The conversion uses templates_docx/fonts.conf through FONTCONFIG_FILE (absolute path, or
fontconfig silently loads the system configuration) so the licensed font names in the .docx map
to open substitutes, and a private LibreOffice profile so it never touches a user's profile.
A LibreOffice PDF is a preview: the .docx is the deliverable (finding R6).

Pure: no Django, no Celery.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

FONTS_CONF = Path(__file__).resolve().parents[2] / "templates_docx" / "fonts.conf"


class PdfConversionError(RuntimeError):
    """LibreOffice is missing, failed, timed out or wrote no PDF."""


def soffice_binary() -> str:
    """The LibreOffice executable ($SOFFICE, else soffice/libreoffice on PATH)."""
    found = os.environ.get("SOFFICE") or shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        raise PdfConversionError("LibreOffice (soffice) is not installed or not on PATH")
    return found


def docx_to_pdf(docx_bytes: bytes, workdir: Path | None = None, timeout: int = 120) -> bytes:
    """Convert .docx bytes to PDF bytes with headless LibreOffice.

    workdir: a directory owned by the caller, kept between calls: the LibreOffice profile is created
    in ``workdir/lo-profile`` once and reused (the first conversion with a new profile takes a few
    seconds longer). Two conversions must not share a workdir at the same time (LibreOffice locks
    its profile): give each worker its own. Without workdir, a temporary directory is used and
    removed. Scratch files of one call live in a fresh subdirectory and are always removed.

    Raises PdfConversionError when LibreOffice is missing, exits non-zero, exceeds `timeout`
    seconds (the whole process group is killed) or produces no PDF.
    """
    binary = soffice_binary()
    owned = workdir is None
    base = Path(tempfile.mkdtemp(prefix="docx2pdf-")) if owned else Path(workdir).resolve()
    try:
        base.mkdir(parents=True, exist_ok=True)
        profile = base / "lo-profile"
        profile.mkdir(exist_ok=True)
        job = Path(tempfile.mkdtemp(prefix="job-", dir=base))
        try:
            return _convert(binary, docx_bytes, job, profile, timeout)
        finally:
            shutil.rmtree(job, ignore_errors=True)
    finally:
        if owned:
            shutil.rmtree(base, ignore_errors=True)


def _convert(binary: str, docx_bytes: bytes, job: Path, profile: Path, timeout: int) -> bytes:
    source = job / "report.docx"
    source.write_bytes(docx_bytes)
    outdir = job / "out"
    env = dict(os.environ)
    env["FONTCONFIG_FILE"] = str(FONTS_CONF.resolve())
    env["HOME"] = str(profile)  # LibreOffice and fontconfig write caches under $HOME
    cmd = [
        binary,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--nologo",
        "--convert-to",
        "pdf:writer_pdf_Export",
        "--outdir",
        str(outdir),
        str(source),
    ]
    # A new session lets us kill soffice.bin too, which the soffice wrapper script starts.
    proc = subprocess.Popen(
        cmd, cwd=job, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
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


def _kill_group(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()
