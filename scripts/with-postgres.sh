#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL server on a local port, then stop it:
#   scripts/with-postgres.sh .venv/bin/pytest
# The server lives under $PGDATA (default /tmp/minsheng-pg-$PGPORT) and is removed afterwards.
set -euo pipefail
PGPORT=${MINSHENG_PGPORT:-54329}
PGDATA=${MINSHENG_PGDATA:-/tmp/minsheng-pg-$PGPORT}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$PGBIN" ]; then echo "with-postgres: PostgreSQL is not installed (run scripts/system-deps.sh)" >&2; exit 1; fi
if [ "$(id -u)" -eq 0 ]; then as_pg=(runuser -u postgres --); else as_pg=(); fi

if (exec 3<>/dev/tcp/127.0.0.1/"$PGPORT") 2>/dev/null; then
  echo "with-postgres: port $PGPORT is in use; set MINSHENG_PGPORT to another port" >&2; exit 1
fi
rm -rf "$PGDATA"; mkdir -p "$PGDATA"
[ ${#as_pg[@]} -gt 0 ] && chown postgres:postgres "$PGDATA"
"${as_pg[@]}" "$PGBIN/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 -N >/dev/null
stop() {
  "${as_pg[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$PGDATA"
}
trap stop EXIT
# fsync=off: a throwaway test server; durability is not what is tested here.
"${as_pg[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 30 \
  -o "-p $PGPORT -c listen_addresses=127.0.0.1 -k $PGDATA -c fsync=off" start >/dev/null
"$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres minsheng
echo "with-postgres: PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PGPORT"
DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/minsheng${MINSHENG_PGQUERY:-}" "$@"
