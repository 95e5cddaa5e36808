#!/usr/bin/env bash
# Run the reliability suite (tests/reliability, README "可靠性测试") and summarise its figures.
#
# Like scripts/test.sh, against PostgreSQL and Redis (started idempotently by scripts/start_services.sh),
# but slow (minutes), so it is not part of the normal suite (pyproject.toml norecursedirs). Every probe
# prints one line "RELIABILITY key=value …"; they are repeated at the end as the summary.
# Needs the .venv that scripts/test.sh builds (or VENV=/path/to/venv). DATABASE_URL and REDIS_URL may be
# set to run against another database/Redis db (pytest-django creates and drops test_<name> itself).
# Extra arguments go to pytest (e.g. -k backup). Exit status: pytest's (non-zero when a probe fails
# or no probe was collected).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
VENV=${VENV:-.venv}
[[ -x $VENV/bin/pytest ]] || { echo "[reliability.sh] ERROR: $VENV/bin/pytest not found: run bash scripts/test.sh first" >&2; exit 1; }
VENV=$(cd "$VENV" && pwd)

bash scripts/start_services.sh

export DATABASE_URL=${DATABASE_URL:-postgres://bureau:bureau@127.0.0.1:5432/bureau}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/14}
export SECRET_KEY=test-secret
export DEBUG=0
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export PATH="$VENV/bin:$PATH"  # probes start gunicorn, celery and manage.py from the same venv

log=$(mktemp -t reliability.XXXXXX)
trap 'rm -f "$log"' EXIT
status=0
"$VENV/bin/pytest" tests/reliability -s -q "$@" 2>&1 | tee "$log" || status=${PIPESTATUS[0]}

echo
echo "=== 可靠性测试结果 ==="
grep -o 'RELIABILITY .*' "$log" || echo "(没有探针输出数据)"
if ((status == 5)); then
    echo "[reliability.sh] FAILED: pytest collected no probes" >&2
elif ((status != 0)); then
    echo "[reliability.sh] FAILED: pytest exited with status $status" >&2
fi
exit "$status"
