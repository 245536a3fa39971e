#!/usr/bin/env bash
# Runs one unit-test image for Cortex-M4F (built by tests/target/) on an
# emulated Arm MPS2 AN386 board. Output comes through semihosting; the exit
# status is the test program's (its number of failed tests; 3 on a fault),
# 124 if it did not finish within OCPP_TARGET_TIMEOUT seconds (default 300).
# ctest calls this as the CROSSCOMPILING_EMULATOR of the test images.
# Usage: tests/target/run.sh test_json.elf
set -u
if [ $# -ne 1 ]; then
    echo "usage: $0 IMAGE.elf" >&2
    exit 2
fi
timeout=${OCPP_TARGET_TIMEOUT:-300}
# stdin from /dev/null: -nographic would otherwise put a terminal in raw mode.
# qemu writes the semihosting console to stderr: merged into stdout here.
timeout --kill-after=10 "$timeout" qemu-system-arm -M mps2-an386 -nographic \
    -semihosting-config enable=on,target=native -kernel "$1" </dev/null 2>&1
rc=$?
if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
    echo "run.sh: $1 did not finish within ${timeout}s (stopped)" >&2
    rc=124
fi
exit $rc
