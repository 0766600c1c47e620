#!/usr/bin/env bash
# A PostgreSQL 15 server (Debian's packages) for the test suite and the rush bench
# (idempotent; run as root). Starts a dedicated cluster "etalase" listening on 127.0.0.1 only,
# with a role that may create databases (tests make one per test from a migrated template),
# then prints its URL on the last line of stdout:
#
#   postgresql+psycopg://etalase:etalase@127.0.0.1:54329/etalase
#
# The cluster trades durability for speed (fsync off): it is for tests and benches only.
set -euo pipefail
VERSION=15
CLUSTER=etalase
PORT="${ETALASE_PG_PORT:-54329}"
ROLE=etalase
PASSWORD=etalase
DBNAME=etalase

if [ ! -x "/usr/lib/postgresql/$VERSION/bin/postgres" ]; then
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-$VERSION" >&2
fi

if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$VERSION $CLUSTER"; then
  pg_createcluster "$VERSION" "$CLUSTER" --port "$PORT" \
    -- --auth-local=peer --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >&2
fi
conf="/etc/postgresql/$VERSION/$CLUSTER/conf.d/etalase.conf"
if [ ! -f "$conf" ]; then
  cat >"$conf" <<'CONF'
listen_addresses = '127.0.0.1'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
log_min_messages = warning
CONF
  chown postgres:postgres "$conf"
fi

status="$(pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1==v && $2==c {print $4}')"
if [ "$status" != "online" ]; then
  pg_ctlcluster "$VERSION" "$CLUSTER" start >&2
fi
for _ in $(seq 1 50); do
  pg_isready -q -h 127.0.0.1 -p "$PORT" && break
  sleep 0.2
done
pg_isready -q -h 127.0.0.1 -p "$PORT"

psql_admin() { su postgres -c "psql -v ON_ERROR_STOP=1 -q -X -p $PORT -d postgres $*" ; }
if [ "$(psql_admin "-tAc \"SELECT 1 FROM pg_roles WHERE rolname='$ROLE'\"")" != "1" ]; then
  psql_admin "-c \"CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD'\"" >&2
fi
if [ "$(psql_admin "-tAc \"SELECT 1 FROM pg_database WHERE datname='$DBNAME'\"")" != "1" ]; then
  psql_admin "-c \"CREATE DATABASE $DBNAME OWNER $ROLE\"" >&2
fi
echo "postgresql+psycopg://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DBNAME"
