#!/bin/sh
# Install Debian's etcd 3.4 (`etcd-server`, `etcd-client`: the Raft anchor of `npm run bench:kv`)
# when `etcd --version` does not work. Idempotent; needs root (or sudo) and Debian's package mirror.
set -eu
if etcd --version >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-etcd: etcd is not installed and this is not root; run: apt-get install -y etcd-server etcd-client" >&2
    exit 1
  fi
fi
# etcd-server's postinst starts a system-wide etcd on 127.0.0.1:2379 through its init script
# unless a policy-rc.d forbids it; the benchmark runs its own members, so forbid it for this
# install when the machine has no policy of its own.
POLICY=/usr/sbin/policy-rc.d
OWN_POLICY=""
if [ ! -e "$POLICY" ]; then
  OWN_POLICY=1
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$POLICY" >/dev/null
  $SUDO chmod 755 "$POLICY"
  trap '$SUDO rm -f "$POLICY"' EXIT
fi
echo "install-etcd: installing Debian's etcd-server and etcd-client…${OWN_POLICY:+ (services kept from starting)}" >&2
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq etcd-server etcd-client >&2
etcd --version >/dev/null 2>&1 || { echo "install-etcd: etcd --version still fails after apt-get" >&2; exit 1; }
