#!/usr/bin/env bash
# Installs headless Chromium and its WebDriver (Debian/Ubuntu packages chromium and chromium-driver) for the web
# console's browser test (FleetEndToEndIT), when they are missing. Run by deploy's build before the integration tests
# (pre-integration-test); does nothing when they are present, when tests are skipped, or when it cannot install
# (not root, no apt-get): the test then says what is missing.
#   usage: install-browser.sh [--skip-if <skipTests> <skipITs>]
set -euo pipefail
if [ "${1:-}" = "--skip-if" ]; then
  if [ "${2:-false}" = "true" ] || [ "${3:-false}" = "true" ]; then
    exit 0
  fi
fi
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-browser: /usr/bin/chromium or /usr/bin/chromedriver is missing; install the packages chromium and" \
       "chromium-driver (as root: apt-get install -y chromium chromium-driver)" >&2
  exit 0
fi
echo "install-browser: installing chromium and chromium-driver"
export DEBIAN_FRONTEND=noninteractive
apt-get install -y --no-install-recommends chromium chromium-driver \
  || { apt-get update && apt-get install -y --no-install-recommends chromium chromium-driver; }
