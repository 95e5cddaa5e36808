#!/usr/bin/env bash
# Run the benchmarks in tests/bench (not part of the test suite): Word rendering and import parsing.
#
# They import test helpers (tests/core/test_importer.py, tests/core/test_docx_layout.py), so they need the
# project's [test] extra (pytest, PyMuPDF) besides the app: this installs it into .venv when it is
# missing (the .venv that scripts/demo.sh or scripts/test.sh made, or a new one). The PDF benchmark
# runs only when LibreOffice (soffice) is installed; the packet benchmark through real Celery workers
# only when DATABASE_URL and REDIS_URL (PostgreSQL, Redis) are set too. The others need neither.
# Usage: bash scripts/bench.sh [-n N] (N runs per measurement).
#        bash scripts/bench.sh all [--quick] [--only …] [--compare DIR]: installs the render peers
#        (the [bench] extra: docxtpl; pandoc from Debian) and runs tests/bench/run_all.py, the one
#        table of every figure against its baseline (also written to docs/benchmarks.md).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { echo "[bench.sh] $*"; }
die() { echo "[bench.sh] ERROR: $*" >&2; exit 1; }

export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
export LANG=${LANG:-C.UTF-8}

if [[ ! -x .venv/bin/python ]]; then
    python3 -c 'import ensurepip, venv' 2>/dev/null \
        || die "python3 with venv is needed: run bash scripts/demo.sh or scripts/test.sh once (they install it)"
    say "creating .venv"
    python3 -m venv .venv
fi
if ! .venv/bin/python -c 'import django, docx, pytest, pymupdf' 2>/dev/null; then
    say "pip install -e '.[test]'"
    .venv/bin/python -m pip install -q -e '.[test]'
fi

if [[ ${1:-} == all ]]; then
    shift
    if ! .venv/bin/python -c 'import docxtpl' 2>/dev/null; then
        say "pip install -e '.[test,bench]'"
        .venv/bin/python -m pip install -q -e '.[test,bench]'
    fi
    if ! command -v pandoc >/dev/null && [[ $(id -u) == 0 ]]; then
        say "apt-get install pandoc"
        apt-get -y -q -o DPkg::Lock::Timeout=600 install --no-install-recommends pandoc >/dev/null \
            || say "pandoc could not be installed: the table says so"
    fi
    exec .venv/bin/python tests/bench/run_all.py "$@"
fi

say "tests/bench/bench_render.py $*"
.venv/bin/python tests/bench/bench_render.py "$@"
say "tests/bench/bench_import.py $*"
.venv/bin/python tests/bench/bench_import.py "$@"
if command -v soffice >/dev/null; then
    say "tests/bench/bench_pdf.py"
    .venv/bin/python tests/bench/bench_pdf.py
else
    say "tests/bench/bench_pdf.py skipped: LibreOffice (soffice) is not installed (scripts/test.sh installs it)"
fi
say "tests/bench/bench_search.py (relevance on any database; speed over BENCH_REPORTS=${BENCH_REPORTS:-1000} generated reports on PostgreSQL only)"
.venv/bin/pytest tests/bench/bench_search.py -p no:xdist -p no:cacheprovider -s -q
if [[ -n ${DATABASE_URL:-} ]]; then
    say "tests/bench/bench_editor.py $*"
    .venv/bin/python tests/bench/bench_editor.py "$@"
else
    say "tests/bench/bench_editor.py skipped: needs DATABASE_URL (PostgreSQL)"
fi
if [[ -n ${DATABASE_URL:-} && -n ${REDIS_URL:-} ]] && command -v soffice >/dev/null; then
    say "tests/bench/bench_packet_workers.py (1 and 2 Celery worker processes)"
    .venv/bin/pytest tests/bench/bench_packet_workers.py -p no:xdist -p no:cacheprovider -s -q
else
    say "tests/bench/bench_packet_workers.py skipped: needs DATABASE_URL, REDIS_URL (PostgreSQL, Redis) and LibreOffice"
fi
