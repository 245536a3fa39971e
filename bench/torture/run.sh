#!/usr/bin/env bash
# Kill torture bench (issue #6): builds ocpp-sim (Release) and runs the driver of
# tests/integration/kill_torture.test.mjs with more SIGKILLs, then prints the report table
# (kills, sessions, transactions, lost (must be 0), duplicated, PowerLoss stops, checks) and
# writes it to $BUILD_DIR/torture-report.md.
#
# Usage: bench/torture/run.sh [kills] [seed]      (defaults: 1000 kills, seed 1)
# Env:   BUILD_DIR (default build-bench-torture), CMAKE_ARGS (extra configure args),
#        CSMS_LOG (write the CSMS's records there as JSON Lines)
# Needs node >= 20 and `npm ci` at the repository root. Exit status: 0 if nothing was lost and
# the ledger and the CSMS found no problem, 1 otherwise.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$root/build-bench-torture}
if [ ! -x "$build/ocpp-sim" ] || [ -n "${REBUILD:-}" ]; then
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DOCPP_BUILD_TESTS=OFF \
        -DOCPP_INSTALL=OFF ${CMAKE_ARGS:-} >/dev/null
    cmake --build "$build" --target ocpp-sim -j"$(nproc)" >/dev/null
fi
cd "$root"
exec node bench/torture/torture.mjs --sim "$build/ocpp-sim" --kills "${1:-1000}" --seed "${2:-1}" \
    --out "$build/torture-report.md" ${CSMS_LOG:+--log "$CSMS_LOG"}
