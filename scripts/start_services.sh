#!/usr/bin/env bash
# Start the local PostgreSQL and Redis the tests use, idempotently, without systemd.
#
# Contract (Debian 12, packages postgresql and redis-server already installed; see scripts/test.sh):
#   - a PostgreSQL cluster listens on 127.0.0.1:5432 (the newest installed major version's "main"
#     cluster, created if missing with UTF8 encoding), and is started with pg_ctlcluster;
#   - role "bureau" (password "bureau", LOGIN CREATEDB) and database "bureau" owned by it exist, so
#     DATABASE_URL=postgres://bureau:bureau@127.0.0.1:5432/bureau works and pytest-django can create
#     its test database;
#   - Redis answers on 127.0.0.1:6379 (started as a plain daemon when nothing answers there).
# Already-running services are left alone. Safe to run any number of times; needs root (or sudo).
set -euo pipefail

PG_PORT=5432
REDIS_PORT=6379
DB_USER=bureau
DB_PASSWORD=bureau
DB_NAME=bureau

say() { echo "[services] $*"; }
die() { echo "[services] ERROR: $*" >&2; exit 1; }

if [[ $(id -u) -eq 0 ]]; then
    as_root() { "$@"; }
    as_postgres() { (cd / && runuser -u postgres -- "$@"); }
else
    command -v sudo >/dev/null || die "run as root (or install sudo)"
    as_root() { sudo -n "$@"; }
    as_postgres() { (cd / && sudo -n -u postgres "$@"); }
fi

# --- PostgreSQL -----------------------------------------------------------------------------
command -v pg_lsclusters >/dev/null || die "PostgreSQL is not installed (apt-get install postgresql)"

# The cluster on our port, if any; otherwise the newest installed version's "main" cluster.
read -r pg_ver pg_cluster < <(pg_lsclusters --no-header 2>/dev/null | awk -v p="$PG_PORT" '$3 == p {print $1, $2; exit}') || true
if [[ -z "${pg_ver:-}" ]]; then
    pg_ver=$(ls /usr/lib/postgresql | sort -V | tail -n1)
    [[ -n "$pg_ver" ]] || die "no PostgreSQL server version found in /usr/lib/postgresql"
    pg_cluster=main
    if ! pg_lsclusters --no-header "$pg_ver" "$pg_cluster" >/dev/null 2>&1; then
        say "creating PostgreSQL $pg_ver cluster '$pg_cluster' (UTF8) on port $PG_PORT"
        as_root pg_createcluster --port "$PG_PORT" --encoding UTF8 --locale C.UTF-8 "$pg_ver" "$pg_cluster" >/dev/null
    fi
fi

# /run may be a fresh tmpfs (container restart): the socket directory must exist before start.
as_root install -d -o postgres -g postgres -m 2775 /var/run/postgresql

status=$(pg_lsclusters --no-header "$pg_ver" "$pg_cluster" | awk '{print $4}')
if [[ "$status" != online* ]]; then
    say "starting PostgreSQL $pg_ver/$pg_cluster (pg_ctlcluster, no systemd needed)"
    # pg_ctlcluster waits for the server to accept connections; a stale postmaster.pid from a
    # killed container is detected and removed by pg_ctl itself.
    as_root pg_ctlcluster "$pg_ver" "$pg_cluster" start \
        || die "PostgreSQL did not start; see /var/log/postgresql/postgresql-$pg_ver-$pg_cluster.log"
fi
for _ in $(seq 1 60); do
    pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && break
    sleep 0.5
done
pg_isready -q -h 127.0.0.1 -p "$PG_PORT" || die "PostgreSQL does not answer on 127.0.0.1:$PG_PORT"

psql_admin() { as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$PG_PORT" "$@"; }

# A cluster initialised without a UTF-8 locale gets SQL_ASCII template1, and every database Django
# creates (including the test database) would inherit it. Rebuild template1 from template0 as UTF8.
tpl_enc=$(psql_admin -tAc "select pg_encoding_to_char(encoding) from pg_database where datname = 'template1'")
if [[ "$tpl_enc" != "UTF8" ]]; then
    say "template1 is $tpl_enc; recreating it as UTF8"
    psql_admin -d postgres <<'SQL'
UPDATE pg_database SET datistemplate = false WHERE datname = 'template1';
DROP DATABASE template1;
CREATE DATABASE template1 WITH TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8';
UPDATE pg_database SET datistemplate = true WHERE datname = 'template1';
SQL
fi

# Role: create if missing; otherwise make sure it can log in with the known password.
psql_admin -d postgres <<SQL
DO \$\$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER') THEN
        CREATE ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
        RAISE NOTICE 'created role $DB_USER';
    ELSE
        ALTER ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
    END IF;
END
\$\$;
SQL
if [[ -z $(psql_admin -d postgres -tAc "select 1 from pg_database where datname = '$DB_NAME'") ]]; then
    say "creating database $DB_NAME"
    psql_admin -d postgres -c "CREATE DATABASE $DB_NAME OWNER $DB_USER ENCODING 'UTF8' TEMPLATE template0"
fi
PGPASSWORD=$DB_PASSWORD psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U "$DB_USER" -d "$DB_NAME" -tAc 'select 1' >/dev/null \
    || die "cannot log in as $DB_USER to $DB_NAME on 127.0.0.1:$PG_PORT"
say "PostgreSQL $pg_ver ready: postgres://$DB_USER:***@127.0.0.1:$PG_PORT/$DB_NAME"

# --- Redis ----------------------------------------------------------------------------------
command -v redis-server >/dev/null || die "Redis is not installed (apt-get install redis-server)"
redis_ping() { [[ $(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]]; }
if ! redis_ping; then
    say "starting Redis on 127.0.0.1:$REDIS_PORT"
    # No persistence and a working directory outside the repository: a test broker keeps nothing.
    redis_dir=${TMPDIR:-/tmp}/bureau-redis
    mkdir -p "$redis_dir"
    redis-server --daemonize yes --port "$REDIS_PORT" --bind 127.0.0.1 \
        --save '' --appendonly no --dir "$redis_dir" --logfile "$redis_dir/redis.log" >/dev/null
    for _ in $(seq 1 50); do
        redis_ping && break
        sleep 0.2
    done
    redis_ping || die "Redis does not answer; see $redis_dir/redis.log"
fi
say "Redis ready: redis://127.0.0.1:$REDIS_PORT"
