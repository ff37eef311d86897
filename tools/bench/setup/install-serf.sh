#!/bin/sh
# Install Debian's serf (the SWIM/Lifeguard anchor of `npm run bench:swim`) when it is not on PATH.
# Idempotent; needs root (or sudo) and access to Debian's package mirror.
set -eu
if command -v serf >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-serf: serf is not installed and this is not root; run: apt-get install -y serf" >&2
    exit 1
  fi
fi
echo "install-serf: installing Debian's serf package…" >&2
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq serf >&2
command -v serf >/dev/null 2>&1 || { echo "install-serf: serf still not on PATH after apt-get" >&2; exit 1; }
