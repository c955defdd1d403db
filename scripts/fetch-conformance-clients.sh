#!/usr/bin/env bash
# Installs the third-party clients that tests/Maas.EndToEnd.Tests/ConformanceTests.cs drives:
#
#   tests/conformance/node_modules   @grpc/grpc-js, @grpc/proto-loader, openai   npm ci (package-lock.json)
#   python3-requests                 for Debian's /usr/bin/python3        apt-get
#
# Idempotent: npm ci runs only when package-lock.json changed since the last install, apt-get only
# when /usr/bin/python3 cannot import requests. Needs node and npm on PATH, and root for apt-get.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
clients="$repo/tests/conformance"
# A copy of the lock file taken after a successful install: equal means node_modules is current.
stamp="$clients/node_modules/.maas-installed-lock.json"

say() { printf '==> %s\n' "$*"; }
die() { printf 'fetch-conformance-clients: error: %s\n' "$*" >&2; exit 1; }

# --- Node gRPC client (npm) ------------------------------------------------------------------
command -v node >/dev/null || die "node is not on PATH: the KServe v2 gRPC conformance client runs on Node.js"
command -v npm >/dev/null || die "npm is not on PATH: it installs the gRPC client packages"
if cmp -s "$clients/package-lock.json" "$stamp"; then
  say "npm packages for tests/conformance: present"
else
  say "npm ci in tests/conformance (@grpc/grpc-js, @grpc/proto-loader, openai)"
  # The packages are plain JavaScript: no install script is needed, so none is run.
  (cd "$clients" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) \
    || die "npm ci in tests/conformance failed (is the npm registry reachable?)"
  cp "$clients/package-lock.json" "$stamp"
fi

# --- Python requests (Debian) -----------------------------------------------------------------
# /usr/bin/python3 on purpose: python3 on PATH may be a pyenv build that sees no Debian packages.
[[ -x /usr/bin/python3 ]] || die "/usr/bin/python3 is missing: install Debian's python3"
if /usr/bin/python3 -c 'import requests' 2>/dev/null; then
  say "python3-requests: present"
else
  say "apt: python3-requests"
  command -v apt-get >/dev/null || die "apt-get not found: python3-requests is a Debian package"
  install_requests() { DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-requests >/dev/null; }
  if ! install_requests; then
    say "apt-get install failed; running apt-get update first"
    apt-get update -qq >/dev/null || die "apt-get update failed (root is needed to update package lists)"
    install_requests || die "apt-get install python3-requests failed"
  fi
  /usr/bin/python3 -c 'import requests' || die "python3-requests is installed but /usr/bin/python3 cannot import requests"
fi

say "done: conformance clients"
