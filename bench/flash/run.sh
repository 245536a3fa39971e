#!/usr/bin/env bash
# Power-cut bench of the flash store (ports/flash): builds bench_flash and runs
# the torture workload with the given number of cuts and seed, then prints the
# table (cuts, committed writes, lost (must be 0), torn operations rolled back
# or forward, GC runs, erase-count spread).
#
# Usage: bench/flash/run.sh [cuts] [seed] [sectors] [sector_size] [prog_size]
#        (defaults: 1000000 cuts, seed 1, 6 sectors of 4096 B, prog_size 4)
# Env:   BUILD_DIR (default build-bench-flash), CMAKE_ARGS (extra configure args)
# Exit status: 0 if nothing was lost, 1 otherwise.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$root/build-bench-flash}
if [ ! -x "$build/ports/flash/bench/bench_flash" ] || [ -n "${REBUILD:-}" ]; then
    # The top-level CMakeLists.txt adds ports/flash (add_subdirectory); until it
    # does, inject it right after project() so that this script works anyway.
    inject=()
    if ! grep -q 'ports/flash' "$root/CMakeLists.txt"; then
        mkdir -p "$build"
        cat > "$build/ocpp_flash_inject.cmake" <<'CMK'
set(CMAKE_C_STANDARD 11)
add_subdirectory(${CMAKE_SOURCE_DIR}/ports/flash)
CMK
        inject=(-DCMAKE_PROJECT_ocpp_c_INCLUDE="$build/ocpp_flash_inject.cmake")
    fi
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DOCPP_BUILD_TESTS=OFF \
        -DOCPP_BUILD_PORT_POSIX=OFF -DOCPP_BUILD_APPS=OFF -DOCPP_INSTALL=OFF "${inject[@]}" \
        ${CMAKE_ARGS:-} >/dev/null
    cmake --build "$build" --target bench_flash -j"$(nproc)" >/dev/null
fi
exec "$build/ports/flash/bench/bench_flash" "${1:-1000000}" "${2:-1}" "${3:-6}" "${4:-4096}" "${5:-4}"
