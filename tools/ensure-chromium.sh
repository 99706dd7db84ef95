#!/usr/bin/env bash
# The console's browser suite drives Debian's Chromium (never a browser downloaded by a test tool).
# Installs it when it is missing and this user can (root with apt-get); otherwise says how.
set -euo pipefail
browser="${FILET_CHROMIUM:-/usr/bin/chromium}"
[ -x "$browser" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installation de Chromium (Debian) pour les tests du navigateur / installing Debian's Chromium for the browser tests"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q chromium >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }
  [ -x "$browser" ] && exit 0
fi
echo "Chromium manque / is missing at $browser: sudo apt-get install chromium (or set FILET_CHROMIUM)" >&2
exit 1
