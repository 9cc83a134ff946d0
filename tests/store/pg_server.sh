#!/bin/sh
# A throwaway PostgreSQL for the tests: its own cluster in DIR, listening only on a unix socket
# in DIR (no TCP port to collide with), run as user postgres when we are root (the server
# refuses root).
# usage: tests/store/pg_server.sh start DIR   prints the store URI (postgresql://...) on stdout
#        tests/store/pg_server.sh stop|restart DIR
set -eu
cmd=$1
DIR=$(realpath -m "$2")
BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[ -x "$BIN/pg_ctl" ] || { echo "pg_server: no PostgreSQL server (apt-get install postgresql)" >&2; exit 1; }
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
ctl() { as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w "$@" >/dev/null; }
case $cmd in
start)
    mkdir -p "$DIR"
    [ "$(id -u)" -eq 0 ] && chown postgres "$DIR"
    if [ ! -d "$DIR/data" ]; then
        as_owner "$BIN/initdb" -D "$DIR/data" -U vigil --auth=trust -E UTF8 --no-sync \
            >"$DIR/initdb.log" 2>&1 || { cat "$DIR/initdb.log" >&2; exit 1; }
    fi
    # fsync off: a test cluster need not survive power loss, and it makes commits cheap
    ctl start -o "-k $DIR -c listen_addresses='' -c fsync=off -c max_connections=100"
    # the socket directory, percent-encoded for the URI's host parameter
    host=$(printf '%s' "$DIR" | sed 's,/,%2F,g')
    echo "postgresql://vigil@/postgres?host=$host"
    ;;
stop) ctl stop -m fast ;;
restart) ctl stop -m fast; ctl start -o "-k $DIR -c listen_addresses='' -c fsync=off" ;;
*) echo "usage: $0 start|stop|restart DIR" >&2; exit 2 ;;
esac
