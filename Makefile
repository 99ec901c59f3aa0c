# `make test` is the one command that runs every test (README quick start).
.PHONY: test test-go test-ui test-e2e ui-deps bench

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

test-e2e: ui-deps
	cd ui && node e2e/run.mjs

# Benchmarks are not part of `make test`; see docs/performance.md.
bench:
	go test -run '^$$' -bench . -benchmem ./engine/...
