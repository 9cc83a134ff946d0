#!/bin/sh
# Install the Debian packages vigil builds, tests and benchmarks with.  Idempotent: when every
# package is already installed it only says so.  Debian's archive is the only source used.
set -eu

PKGS="build-essential pkg-config clang libdeflate-dev libdeflate-tools zlib1g-dev
      libyaml-dev libcmocka-dev libjansson-dev libpsl-dev publicsuffix libsqlite3-dev libmicrohttpd-dev sqlite3
      postgresql libpq-dev
      libmaxminddb-dev libhyperscan-dev libnats-dev nats-server
      python3 python3-botocore python3-boto3
      gzip bc
      chromium"

missing=""
# the browser tests run on Node.js and npm; the machines bring them, Debian's are the fallback
command -v npm >/dev/null 2>&1 || PKGS="$PKGS nodejs npm"
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done

if [ -z "$missing" ]; then
    echo "install-deps: all packages present" >&2
    exit 0
fi

echo "install-deps: installing:$missing" >&2
if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
else
    SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >&2
