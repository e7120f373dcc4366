#!/bin/sh
# Installs Debian's chromium for the trace viewer's browser test (test/browser.test.ts),
# which drives /usr/bin/chromium with playwright-core. .ci/run runs this as root with apt
# access before the tests; it does nothing when chromium is already there. `npm test` does
# not run it: without a Chromium the browser test is skipped with the reason (and fails
# under CI=true).
set -eu
if [ -x /usr/bin/chromium ]; then
  echo "install-browser: /usr/bin/chromium is already installed"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-browser: /usr/bin/chromium is missing and installing it needs root (apt-get)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends chromium
test -x /usr/bin/chromium
echo "install-browser: installed $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
