#!/usr/bin/env bash
# A throw-away PostgreSQL server for tests: Debian's `postgresql` package, run as an unprivileged
# user (initdb refuses root), on 127.0.0.1 with a free port, its unix socket and data in DIR.
#
#   postgres-server.sh start DIR   initdb (first time) and start; prints the KV_URL, also kept in DIR/url
#   postgres-server.sh stop DIR    stop at once (pg_ctl -m immediate: like a crash, for outage tests)
#   postgres-server.sh role DIR NAME PASSWORD|- create|nocreate
#                                  add a login role on the running server: with a PASSWORD it must
#                                  authenticate with scram-sha-256 (pg_hba line for NAME, reloaded;
#                                  every other role stays trusted); `create` grants CREATE on schema
#                                  public, `nocreate` leaves it without (PUBLIC has none: revoked here)
#   postgres-server.sh sql DIR SQL  run SQL as the owner on database postgres; prints the rows (psql -tA)
#   postgres-server.sh run CMD...  start a server in a new temporary directory, run CMD with KV_URL set,
#                                  stop it and remove the directory; exits with CMD's status
#
# Environment: PG_FSYNC=on keeps fsync on (benchmarks); tests turn it off for speed.
set -eu
PGBIN="${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "postgres-server.sh: no PostgreSQL server found under /usr/lib/postgresql (apt-get install postgresql; make test-deps does)" >&2
  exit 2
fi

as_owner() {
  if [ "$(id -u)" = 0 ]; then setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"; else "$@"; fi
}

start() {
  local dir="$1"
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown nobody:nogroup "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_owner "$PGBIN/initdb" -D "$dir/data" -U edge --auth=trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' >"$dir/port"
  fi
  local port; port="$(cat "$dir/port")"
  as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=${PG_FSYNC:-off} -c max_connections=200" start >/dev/null \
    || { cat "$dir/server.log" >&2; exit 1; }
  echo "postgres://edge@127.0.0.1:$port/postgres" >"$dir/url"
  cat "$dir/url"
}

stop() {
  as_owner "$PGBIN/pg_ctl" -D "$1/data" -m immediate stop >/dev/null 2>&1 || true
}

role() {
  local dir="$1" name="$2" password="$3" create="$4" port
  port="$(cat "$dir/port")"
  case "$name" in *[!a-z0-9_]*|"") echo "postgres-server.sh: role names are [a-z0-9_]+" >&2; exit 2 ;; esac
  local sql="CREATE ROLE $name LOGIN"
  if [ "$password" != "-" ]; then
    # scram-sha-256 for this role only, ahead of initdb's trust lines (first match wins).
    as_owner sh -c "{ printf 'host all %s 127.0.0.1/32 scram-sha-256\nlocal all %s scram-sha-256\n' '$name' '$name'; cat '$dir/data/pg_hba.conf'; } >'$dir/data/pg_hba.new' && mv '$dir/data/pg_hba.new' '$dir/data/pg_hba.conf'"
    sql="SET password_encryption = 'scram-sha-256'; $sql PASSWORD '$(printf %s "$password" | sed "s/'/''/g")'"
  fi
  sql="$sql; REVOKE CREATE ON SCHEMA public FROM PUBLIC"
  [ "$create" = create ] && sql="$sql; GRANT CREATE ON SCHEMA public TO $name"
  as_owner "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U edge -d postgres -c "$sql" >/dev/null
  as_owner "$PGBIN/pg_ctl" -D "$dir/data" reload >/dev/null
}

case "${1:-}" in
  start) start "$2" ;;
  stop) stop "$2" ;;
  role) role "$2" "$3" "$4" "$5" ;;
  sql) as_owner "$PGBIN/psql" -X -tA -v ON_ERROR_STOP=1 -h "$2" -p "$(cat "$2/port")" -U edge -d postgres -c "$3" ;;
  run)
    shift
    dir="$(mktemp -d /tmp/edge-pg.XXXXXX)"
    trap 'stop "$dir"; rm -rf "$dir"' EXIT
    KV_URL="$(start "$dir")"
    export KV_URL
    set +e
    "$@"
    status=$?
    set -e
    exit $status
    ;;
  *) echo "usage: $0 start DIR | stop DIR | role DIR NAME PASSWORD|- create|nocreate | sql DIR SQL | run CMD..." >&2; exit 2 ;;
esac
