#!/usr/bin/env bash
# Install everything the tests need and run the whole suite (README command 2; .ci/run calls it).
#
# Fresh Debian 12 as root, or a machine where all of it is already installed and running:
#   1. Debian packages: PostgreSQL, Redis, LibreOffice Writer (headless), poppler-utils, Chromium,
#      and the CJK fonts (scripts/install_fonts.sh). apt waits for a dpkg lock held by others.
#   2. PostgreSQL and Redis started without systemd, role/database "bureau" (scripts/start_services.sh).
#   3. .venv with the project and its [test] extra (reinstalled only when pyproject.toml changes).
#   4. ruff check and ruff format --check, then pytest against PostgreSQL and Redis, one process per core
#      (PYTEST_WORKERS=N or 0 to change); extra arguments go to pytest.
# Exit status: non-zero when anything fails, when ruff finds a problem, or when pytest collects
# no tests (pytest exit 5).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
START=$SECONDS

say() { echo "[test.sh +$((SECONDS - START))s] $*"; }
die() { echo "[test.sh] ERROR: $*" >&2; exit 1; }

export DEBIAN_FRONTEND=noninteractive
export LANG=${LANG:-C.UTF-8}
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

if [[ $(id -u) -eq 0 ]]; then
    SUDO=()
else
    command -v sudo >/dev/null || die "run as root (or install sudo)"
    SUDO=(sudo -n)
fi

# --- 1. System packages ---------------------------------------------------------------------
APT=("${SUDO[@]}" apt-get -y -q -o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)
PACKAGES=(postgresql redis-server libreoffice-writer-nogui poppler-utils chromium fontconfig ca-certificates)
# python3 -m venv needs Debian's python3-venv unless python3 is a self-built/pyenv Python.
python3 -c 'import ensurepip, venv' 2>/dev/null || PACKAGES+=(python3-venv)

missing=()
for pkg in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
    # Package lists fresher than an hour are good enough.
    if [[ -z $(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mmin -60 -print -quit 2>/dev/null) ]]; then
        say "apt-get update"
        # The lists lock is not covered by DPkg::Lock::Timeout on every apt version: retry.
        for attempt in $(seq 1 60); do
            "${APT[@]}" update >/dev/null && break
            ((attempt < 60)) || die "apt-get update failed"
            say "apt-get update failed (lock held by another apt?), retrying in 10 s"
            sleep 10
        done
    fi
    say "installing ${missing[*]}"
    "${APT[@]}" install --no-install-recommends "${missing[@]}" >/dev/null
else
    say "system packages present"
fi

if [[ -f scripts/install_fonts.sh ]]; then
    say "fonts (scripts/install_fonts.sh)"
    "${SUDO[@]}" bash scripts/install_fonts.sh | sed 's/^/    /'
else
    say "scripts/install_fonts.sh not found; skipping fonts"
fi

for tool in soffice pdftotext pdftoppm /usr/bin/chromium psql redis-cli; do
    command -v "$tool" >/dev/null || die "$tool not found after installing packages"
done

# --- 2. Services ----------------------------------------------------------------------------
bash scripts/start_services.sh

# --- 3. Python environment ------------------------------------------------------------------
if [[ ! -x .venv/bin/python ]] || ! .venv/bin/python -c 'import sys; assert sys.version_info[:2] == (3, 11)' 2>/dev/null; then
    say "creating .venv"
    rm -rf .venv
    python3 -m venv .venv
fi
# Reinstall only when the dependency declaration changed since the last successful install.
stamp=.venv/.bureau-install-stamp
want=$( (sha256sum pyproject.toml; .venv/bin/python --version) | sha256sum | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]] || ! .venv/bin/python -c 'import django, pytest_django, playwright, fitz' 2>/dev/null; then
    say "pip install -e '.[test]'"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e '.[test]'
    echo "$want" >"$stamp"
else
    say "Python dependencies up to date"
fi

# --- 4. Lint and tests ----------------------------------------------------------------------
export DATABASE_URL=postgres://bureau:bureau@127.0.0.1:5432/bureau
export REDIS_URL=redis://127.0.0.1:6379/15
export SECRET_KEY=test-secret
export DEBUG=0
# Playwright never downloads a browser here: tests launch Debian's /usr/bin/chromium.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
unset PLAYWRIGHT_BROWSERS_PATH

say "ruff check . && ruff format --check ."
ruff_status=0
.venv/bin/ruff check . || ruff_status=$?
.venv/bin/ruff format --check . || ruff_status=$?

# Test files are spread over one process per core (pytest-xdist, whole files per process: the
# worker tests share one Redis queue); PYTEST_WORKERS=0 runs everything in this process.
workers=${PYTEST_WORKERS:-auto}
xdist=()
[[ $workers != 0 ]] && xdist=(-n "$workers" --dist loadfile)
say "pytest ${xdist[*]} $*"
pytest_status=0
.venv/bin/pytest "${xdist[@]}" "$@" || pytest_status=$?

if ((pytest_status == 5)); then
    echo "[test.sh] FAILED: pytest collected no tests (there must be tests)" >&2
elif ((pytest_status != 0)); then
    echo "[test.sh] FAILED: pytest exited with status $pytest_status" >&2
fi
if ((ruff_status != 0)); then
    echo "[test.sh] FAILED: ruff check or ruff format --check found problems (status $ruff_status)" >&2
fi
if ((pytest_status != 0)); then
    exit "$pytest_status"
fi
if ((ruff_status != 0)); then
    exit "$ruff_status"
fi
say "all passed"
