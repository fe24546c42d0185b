#!/usr/bin/env bash
# Runs every Go fuzz target for a while (default 20s each): `make fuzz FUZZTIME=1m`.
set -euo pipefail
time=${1:-20s}
cd "$(dirname "$0")/.."
for pkg in $(go list ./protocol/... ./internal/... ./host/... ./install/...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
    echo "== $pkg $target ($time)"
    go test -run='^$' -fuzz="^${target}\$" -fuzztime="$time" "$pkg"
  done
done
