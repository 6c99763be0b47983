#!/usr/bin/env bash
# The browser tests drive Debian's Chromium through Playwright (never `playwright install`,
# which downloads browsers). Install it from Debian's packages if it is missing.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "scripts/ensure_chromium.sh: /usr/bin/chromium is missing; install Debian's chromium package as root" >&2
    exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
