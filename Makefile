# `make test` is the one command that runs every test (README quick start).
.PHONY: test bench

test:
	go test -count=1 -timeout 40m ./...

# Benchmarks are not part of `make test`; see docs/performance.md.
bench:
	go test -run '^$$' -bench . -benchmem ./engine/...
