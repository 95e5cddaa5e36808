#!/usr/bin/env bash
# Install the app and serve it with demo data (README command 1).
#
# Embedded mode: SQLite (db.sqlite3 in the repository) and export tasks run in-process, so no
# PostgreSQL, Redis or Celery worker is needed. Idempotent: a second run reuses .venv and the
# database and re-applies the (idempotent) demo data. Serves on 0.0.0.0:${PORT:-8000}.
# PDF export, PDF previews and the meeting packets' measured page numbers need LibreOffice Writer,
# poppler-utils and the CJK fonts: installed here too (as scripts/test.sh does), when missing.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { echo "[demo.sh] $*"; }
die() { echo "[demo.sh] ERROR: $*" >&2; exit 1; }

export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
export LANG=${LANG:-C.UTF-8}

# Debian packages this needs: python3 and python3-venv (for "python3 -m venv"), LibreOffice Writer
# and poppler-utils. Installed with apt-get as root or through sudo -n, as scripts/test.sh does;
# nothing is installed when present.
apt_install() {
    local sudo_=()
    if [[ $(id -u) -ne 0 ]]; then
        command -v sudo >/dev/null || die "$* missing: run as root (or install sudo), or apt-get install $*"
        sudo_=(sudo -n)
    fi
    local apt_=("${sudo_[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)
    say "installing $*"
    "${apt_[@]}" update >/dev/null || die "apt-get update failed"
    "${apt_[@]}" install --no-install-recommends "$@" >/dev/null || die "apt-get install $* failed"
}

missing=()
command -v python3 >/dev/null || missing+=(python3 python3-venv)
if ((${#missing[@]} == 0)) && ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    missing+=(python3-venv)
fi
for pkg in libreoffice-writer-nogui poppler-utils fontconfig; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
((${#missing[@]} == 0)) || apt_install "${missing[@]}"
if [[ -f scripts/install_fonts.sh ]]; then
    say "fonts (scripts/install_fonts.sh)"
    if [[ $(id -u) -eq 0 ]]; then bash scripts/install_fonts.sh >/dev/null; else sudo -n bash scripts/install_fonts.sh >/dev/null; fi
fi

python3 -c 'import sys; assert sys.version_info[:2] == (3, 11)' 2>/dev/null \
    || die "Python 3.11 is required, python3 is $(python3 --version 2>&1)"

if [[ ! -x .venv/bin/python ]]; then
    say "creating .venv"
    python3 -m venv .venv
fi
stamp=.venv/.bureau-demo-stamp
want=$( (sha256sum pyproject.toml; .venv/bin/python --version) | sha256sum | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]] || ! .venv/bin/python -c 'import django' 2>/dev/null; then
    say "pip install -e ."
    .venv/bin/python -m pip install -q -e .
    echo "$want" >"$stamp"
fi

# Embedded mode: no external services, development settings.
unset DATABASE_URL REDIS_URL
export DEBUG=1

say "migrate"
.venv/bin/python manage.py migrate --noinput
say "seed_demo"
.venv/bin/python manage.py seed_demo

port=${PORT:-8000}
say "serving on http://127.0.0.1:$port/ (Ctrl-C to stop)"
exec .venv/bin/python manage.py runserver "0.0.0.0:$port"
