# `make test` is the one command that runs every test (README quick start).
.PHONY: test test-go test-ui test-e2e ui-deps e2e-deps bench

test: test-go test-ui test-e2e

test-go:
	go test -count=1 -timeout 40m ./...

# The browser app (ui/): Vitest unit and component tests, then the Playwright
# journeys in Debian's Chromium (/usr/bin/chromium) against a real
# `formloom serve` on a temporary data directory.
ui-deps:
	@[ -d ui/node_modules ] || (cd ui && npm ci --no-audit --no-fund)

test-ui: ui-deps
	cd ui && npx tsc -b && npx vitest run

test-e2e: ui-deps e2e-deps
	cd ui && node e2e/run.mjs

# The e2e suite drives Debian's Chromium (never a downloaded browser) and
# needs CJK fonts for the Chinese screens; install them when missing.
e2e-deps:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi 'noto sans cjk'; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update && apt-get install -y chromium fonts-noto-cjk; \
	  else \
	    echo "the browser tests need Debian's chromium and fonts-noto-cjk: sudo apt-get install -y chromium fonts-noto-cjk"; exit 1; \
	  fi; \
	fi

# Benchmarks are not part of `make test`; see docs/performance.md.
bench:
	go test -run '^$$' -bench . -benchmem ./engine/...
