#!/bin/sh
# Wait (up to 10 s) for a vigild started with --listen ADDR:0 to say which port it took, and
# print it; exit 1 if it never does.  One place for `make demo` and the API tests.
# usage: scripts/vigild_port.sh VIGILD_STDERR_LOG
for _ in $(seq 100); do
    port=$(sed -n 's/.*API on .*(port \([0-9]*\)).*/\1/p' "$1")
    [ -n "$port" ] && echo "$port" && exit 0
    sleep 0.1
done
exit 1
