#!/usr/bin/env bash
# The service's tests run against a throw-away PostgreSQL (tests/service/conftest.py starts
# one with initdb and pg_ctl). Install Debian's postgresql when its binaries are missing, or
# always on CI; without root or apt the PostgreSQL variants skip with the reason.
set -euo pipefail
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && [ "${CI:-}" != "true" ]; then
    exit 0
fi
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && id postgres >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
else
    echo "ensure-postgresql: no PostgreSQL and no root apt-get; its test variants will skip" >&2
fi
