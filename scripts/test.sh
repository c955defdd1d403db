#!/usr/bin/env bash
# Runs every test: fetches the demo models and the third-party conformance clients (both idempotent),
# then `dotnet test` on the whole solution.
# Test results (TRX) land in artifacts/test-results/. Extra arguments go to `dotnet test`.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

scripts/fetch-models.sh
scripts/fetch-conformance-clients.sh
rm -rf artifacts/test-results
dotnet test Maas.slnx -c Release --logger "trx" --results-directory artifacts/test-results "$@"
