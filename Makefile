# The two commands of the README, and helpers. All work is in scripts/.
.PHONY: test demo size size-docs format check-format fuzz clean

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

fuzz:
	@if [ -x scripts/fuzz.sh ]; then scripts/fuzz.sh; else echo "make fuzz: not there yet (scripts/fuzz.sh)"; exit 1; fi

clean:
	rm -rf build build-asan build-clang build-m32 build-cross-*
