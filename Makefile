# otpfill — see README.md. `make install` sets otpfill up for real;
# `make test` installs what the tests need and runs every test.

GO       ?= go
PREFIX   ?= $(HOME)/.local
BINDIR   ?= $(PREFIX)/bin
FUZZTIME ?= 20s
# The Go packages (npm installs can bring stray Go files under node_modules).
GOPKGS   := ./protocol/... ./internal/... ./host/... ./install/...
export GOTOOLCHAIN := local
# No stray daemons or files in the user's home during tests.
TESTENV  := env -u DBUS_SESSION_BUS_ADDRESS

.PHONY: all generate build host extension extension-e2e deps check test test-go test-extension test-e2e stress bench fuzz lint install uninstall clean dist dist-check sign-firefox

all: build

build: host extension

# The protocol's schema (protocol/schema.json) and the extension's types
# (extension/src/shared/protocol.gen.ts), from the Go types in protocol/.
# A test in `make check` fails when they are not current.
generate:
	cd protocol && $(GO) generate .

# Static, and without Go 1.26's Green Tea GC while the toolchain still offers
# the choice: why is "The host is built for a short life" in docs/DECISIONS.md.
HOST_GOEXPERIMENT ?= $(shell GOEXPERIMENT=nogreenteagc $(GO) env GOEXPERIMENT 2>/dev/null)

host:
	CGO_ENABLED=0 GOEXPERIMENT=$(HOST_GOEXPERIMENT) $(GO) build -trimpath -o bin/otpfill ./host/cmd/otpfill

# extension/dist: the release (no test hooks). extension/dist-e2e: the same
# extension with the e2e suite's hooks (see e2e/README.md); `make test` builds both.
extension: extension/node_modules/.otpfill-lock-stamp
	cd extension && npm run build

# npm ci only when package-lock.json changed since the last one (or
# node_modules is gone): the stamp is written after a successful npm ci.
extension/node_modules/.otpfill-lock-stamp: extension/package-lock.json
	cd extension && npm ci --no-audit --no-fund --loglevel=error
	touch $@

e2e/node_modules/.otpfill-lock-stamp: e2e/package-lock.json
	cd e2e && npm ci --no-audit --no-fund --loglevel=error
	touch $@

extension-e2e: extension
	cd extension && npm run build:e2e

deps:
	./scripts/install-deps.sh
	$(GO) mod download

test: deps build extension-e2e
	$(MAKE) test-go test-extension test-e2e

# The fast inner loop: Go unit tests (-short leaves out the tests that run
# the real binary, gpg, pass or a D-Bus session), the extension's unit tests,
# and lint. No browser. `make test` is the complete suite.
check: extension/node_modules/.otpfill-lock-stamp
	$(TESTENV) $(GO) test -short -count=1 $(GOPKGS)
	$(MAKE) lint
	cd extension && npm test

test-go:
	GOOS=darwin $(GO) build -o /dev/null $(GOPKGS)
	GOOS=windows $(GO) build -o /dev/null $(GOPKGS)
	$(TESTENV) $(GO) test -count=1 $(GOPKGS)

# The fault loops (a host killed mid-save, ...) with many more rounds than
# `make test` runs: OTPFILL_STRESS=1 (50 kills instead of 8).
stress: deps
	$(TESTENV) OTPFILL_STRESS=1 $(GO) test -count=1 -timeout 30m -run 'Killed|Concurrent|Thousand' ./host/cmd/otpfill/

test-extension: extension/node_modules/.otpfill-lock-stamp
	cd extension && npm test && npm run lint

# e2e/scripts/run.js: the Chromium half and the Firefox half at once, each in
# a network namespace of its own (unshare -n, as root); one run on the host's
# network where that is not permitted (see e2e/README.md).
test-e2e: e2e/node_modules/.otpfill-lock-stamp
	cd e2e && CI=$${CI:-true} npm test

# The release, reproducibly, in dist/ (see scripts/dist.sh and README's
# "Install a release").
dist: extension/node_modules/.otpfill-lock-stamp
	./scripts/dist.sh dist

# Two builds of the release, byte for byte the same.
dist-check: extension/node_modules/.otpfill-lock-stamp
	rm -rf .dist-check
	./scripts/dist.sh .dist-check/a >/dev/null
	./scripts/dist.sh .dist-check/b >/dev/null
	cd .dist-check && for f in $$(ls a); do cmp a/$$f b/$$f || exit 1; done
	@echo "dist-check: two builds, $$(ls .dist-check/a | wc -l) files, byte for byte the same"
	rm -rf .dist-check

# An unlisted (self-distributed) Firefox add-on signed by addons.mozilla.org,
# into dist/. web-ext reads the AMO API key and secret from WEB_EXT_API_KEY
# and WEB_EXT_API_SECRET itself: they never appear on a command line.
sign-firefox: extension/node_modules/.otpfill-lock-stamp
	@test -n "$$WEB_EXT_API_KEY" -a -n "$$WEB_EXT_API_SECRET" || { \
	  echo "sign-firefox: set WEB_EXT_API_KEY and WEB_EXT_API_SECRET in the environment to your" >&2; \
	  echo "  addons.mozilla.org API key (JWT issuer) and secret: https://addons.mozilla.org/developers/addon/api/key/" >&2; \
	  exit 2; }
	cd extension && npm run --silent build && npx web-ext sign --channel=unlisted -s dist/firefox -a ../dist
	@echo "the signed .xpi is in dist/ (web-ext names it otpfill-VERSION.xpi); it installs in any Firefox"

bench: deps host
	./scripts/bench.sh

fuzz:
	./scripts/fuzz.sh $(FUZZTIME)

lint: extension/node_modules/.otpfill-lock-stamp
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }
	$(GO) vet $(GOPKGS)
	GOOS=darwin $(GO) vet $(GOPKGS)
	GOOS=windows $(GO) vet $(GOPKGS)
	cd extension && npm run lint

install: build
	install -d "$(BINDIR)"
	install -m 0755 bin/otpfill "$(BINDIR)/otpfill"
	"$(BINDIR)/otpfill" install
	@echo
	@echo "otpfill is installed as $(BINDIR)/otpfill and registered with the browsers listed above"
	@echo "(if none was found: install a browser, then run 'otpfill install' again)."
	@echo "Load the extension:"
	@echo "  Chromium/Chrome/Brave/Edge/Vivaldi: open chrome://extensions, turn on Developer mode,"
	@echo "    click 'Load unpacked' and pick $(CURDIR)/extension/dist/chromium"
	@echo "  Firefox/LibreWolf: open about:debugging#/runtime/this-firefox, 'Load Temporary Add-on…',"
	@echo "    and pick $(CURDIR)/extension/dist/firefox/manifest.json (gone at the next restart;"
	@echo "    to install it for good, see README.md, 'Install a release': make dist, make sign-firefox)"
	@echo "Then check everything with: otpfill doctor"

uninstall:
	-"$(BINDIR)/otpfill" uninstall
	rm -f "$(BINDIR)/otpfill"

clean:
	rm -rf bin dist .dist-check extension/dist extension/dist-e2e
