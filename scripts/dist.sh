#!/usr/bin/env bash
# Builds the release into DIR (default dist/), reproducibly: the same commit
# gives the same bytes (scripts/dist.sh twice and cmp: `make dist-check`).
#   otpfill-VERSION-{linux,darwin,windows}-{amd64,arm64}[.exe]  the host
#   otpfill-VERSION-chromium.zip        extension/dist/chromium as built, with the
#                                       dev key (its id is the one `otpfill install`
#                                       allows): unzip and Load unpacked
#   otpfill-VERSION-chromium-store.zip  the same without `key`, for the Chrome Web
#                                       Store and Edge Add-ons, which refuse `key`
#   otpfill-VERSION-firefox.xpi         extension/dist/firefox (web-ext lint: 0 errors,
#                                       0 warnings), unsigned: `make sign-firefox`
#   SHA256SUMS                          all of the above
# VERSION is `git describe --tags --always --dirty`; the time in the zips and
# SOURCE_DATE_EPOCH is the last commit's.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-dist}
GO=${GO:-go}
export GOTOOLCHAIN=local LC_ALL=C
VERSION=${VERSION:-$(git describe --tags --always --dirty)}
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct)}
export SOURCE_DATE_EPOCH
# As `make host`: static, without the Green Tea GC where the toolchain still has the choice (docs/DECISIONS.md).
goexp=$(GOEXPERIMENT=nogreenteagc "$GO" env GOEXPERIMENT 2>/dev/null || true)

rm -rf "$out"
mkdir -p "$out"
for os in linux darwin windows; do
  for arch in amd64 arm64; do
    ext=""
    [ "$os" = windows ] && ext=.exe
    CGO_ENABLED=0 GOOS=$os GOARCH=$arch GOEXPERIMENT=$goexp "$GO" build -trimpath -buildvcs=false \
      -ldflags "-s -w -buildid= -X github.com/otpfill/otpfill/host/internal/cli.Version=$VERSION" \
      -o "$out/otpfill-$VERSION-$os-$arch$ext" ./host/cmd/otpfill
  done
done

(cd extension && npm run --silent build && npx web-ext lint --warnings-as-errors -s dist/firefox >/dev/null) || {
  echo "dist: the extension does not build, or web-ext lint found errors or warnings (run: cd extension && npx web-ext lint -s dist/firefox)" >&2
  exit 1
}
node extension/pack.mjs extension/dist/chromium "$out/otpfill-$VERSION-chromium.zip"
node extension/pack.mjs extension/dist/chromium "$out/otpfill-$VERSION-chromium-store.zip" --store
node extension/pack.mjs extension/dist/firefox "$out/otpfill-$VERSION-firefox.xpi"

chmod 0644 "$out"/*
chmod 0755 "$out"/otpfill-*-{linux,darwin,windows}-*
(cd "$out" && sha256sum -- * > SHA256SUMS)
echo "dist: $out (version $VERSION)"
(cd "$out" && ls -l)
