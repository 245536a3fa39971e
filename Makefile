# The two commands of the README, and helpers. All work is in scripts/.
.PHONY: test demo size size-docs format check-format fuzz fuzz-long bench bench-docs clean
.PHONY: bench-torture bench-fleet bench-fleet-docs

# Every build and test (deps, gcc + ctest, ASan/UBSan, clang, -m32, cross
# builds, size table); ends with "N passed, N failed".
test:
	@scripts/test.sh

# Build ocpp-sim, start the dev CSMS, run one charge point against it.
demo:
	@scripts/demo.sh

# Size table of the cross builds (build-cross-<target>/).
size:
	@scripts/size.sh

# Same, and regenerate docs/size.md.
size-docs:
	@scripts/size.sh --write-docs

format:
	@scripts/check_format.sh . --fix

check-format:
	@scripts/check_format.sh .

# Every libFuzzer target for FUZZ_SECONDS (default 20) each, on a temporary
# copy of the corpus (clang build in build-fuzz/).
fuzz:
	@scripts/fuzz.sh --seconds $${FUZZ_SECONDS:-20}

# Hours of fuzzing: FUZZ_SECONDS (default 3600) per target, or FUZZ_RUNS
# executions per target if set (e.g. FUZZ_RUNS=10000000), one after the other
# (FUZZ_JOBS at once, default 1); new corpus entries and crashes go to
# build-fuzz/corpus-long/ (not committed: copy worthwhile inputs to
# tests/fuzz/corpus/ by hand).
fuzz-long:
	@scripts/fuzz.sh --seconds $${FUZZ_SECONDS:-3600} --runs $${FUZZ_RUNS:-0} --jobs $${FUZZ_JOBS:-1} \
	    --corpus-out build-fuzz/corpus-long

# Instructions per operation (callgrind) and host throughput (build-bench/).
bench:
	@bench/cpu/run.sh

# Same, and regenerate docs/performance.md.
bench-docs:
	@bench/cpu/run.sh --write-docs

# Kill torture: ocpp-sim SIGKILLed KILLS times (default 1000, seed SEED) against the dev CSMS,
# the ledger checked; table in build-bench-torture/torture-report.md.
bench-torture:
	@bench/torture/run.sh $${KILLS:-1000} $${SEED:-1}

# Fleet bench (issue 16): ocpp-sim --stations N and an ocpp-rpc fleet against the sink and the dev
# CSMS; memory per station, CPU per message, ratios (STATIONS default 1000; BENCH_ARGS: more options
# of bench/fleet/run.sh, e.g. "--interval 60 --duration 120").
bench-fleet:
	@bench/fleet/run.sh --stations $${STATIONS:-1000} $${BENCH_ARGS:-}

# Same, and replace the fleet section of docs/performance.md.
bench-fleet-docs:
	@bench/fleet/run.sh --write-docs --stations $${STATIONS:-1000} $${BENCH_ARGS:-}

clean:
	rm -rf build build-asan build-clang build-m32 build-cross-* build-fuzz build-bench
