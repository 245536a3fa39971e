#!/usr/bin/env bash
# `make test`: every build and test of the project, in order, with a header
# line per step, then a summary line "N passed, N failed" (ctest tests plus
# build steps). Exit status non-zero on any failure.
#
# Build dirs (at the repo root): build/ (gcc Debug, full ctest), build-asan/,
# build-clang/ (also the libFuzzer binaries), build-m32/, build-cross-<target>/.
# FUZZ_SECONDS (default 20): how long each libFuzzer target runs.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
JOBS=${JOBS:-2}
passed=0
failed=0
failures=()
step_no=0
steps=8
t_start=$(date +%s)

header() {
    step_no=$((step_no + 1))
    echo
    echo "==== [$step_no/$steps] $* ($(($(date +%s) - t_start))s)"
}
ok() {
    passed=$((passed + 1))
    echo "  ok: $*"
}
ko() {
    failed=$((failed + 1))
    failures+=("$*")
    echo "  FAILED: $*"
}
# run LABEL LOG CMD...: one counted step, quiet unless it fails.
run() {
    local label=$1 log=$2
    shift 2
    mkdir -p "$(dirname "$log")"
    if "$@" >"$log" 2>&1; then
        ok "$label"
        return 0
    fi
    ko "$label (log: ${log#"$root"/})"
    grep -E 'error|Error|FAILED|undefined' "$log" | head -12 | sed 's/^/    /'
    tail -5 "$log" | sed 's/^/    /'
    return 1
}
# configure + build: one step each. Extra args go to cmake configure.
build() {
    local label=$1 dir=$2
    shift 2
    run "$label: configure" "$dir/logs/configure.log" \
        cmake -S "$root" -B "$dir" -G "Unix Makefiles" "$@" || return 1
    # -k: build what can be built, so that ctest reports the rest as not run.
    run "$label: build" "$dir/logs/build.log" cmake --build "$dir" -j"$JOBS" -- -k
}
# ctest in DIR with extra args; adds its counts to the totals.
tests() {
    local label=$1 dir=$2
    shift 2
    local log="$dir/logs/ctest.log" p f total line
    mkdir -p "$dir/logs"
    ctest --test-dir "$dir" -j"$JOBS" --timeout 300 --output-on-failure "$@" >"$log" 2>&1
    line=$(grep -E '[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -1)
    if [ -z "$line" ]; then
        if grep -q 'No tests were found' "$log"; then
            echo "  $label: no tests found"
            return 0
        fi
        ko "$label: ctest did not run (log: ${log#"$root"/})"
        tail -5 "$log" | sed 's/^/    /'
        return 1
    fi
    total=$(echo "$line" | sed -E 's/.*out of ([0-9]+).*/\1/')
    f=$(echo "$line" | sed -E 's/.* ([0-9]+) tests? failed.*/\1/')
    p=$((total - f))
    passed=$((passed + p))
    failed=$((failed + f))
    echo "  $label: $p of $total tests passed"
    if [ "$f" -ne 0 ]; then
        failures+=("$label: $f test(s)")
        sed -n '/The following tests FAILED/,$p' "$log" | grep -E '^\s+[0-9]+ - ' | sed 's/^/  /'
        # The output of the failed tests (ctest --output-on-failure), abridged.
        awk '/Test +#[0-9]+: .*(\*\*\*|Not Run)/ { show = 1; n = 0 }
             /^ *Start +[0-9]+: |tests passed, / { if (n > 0) show = 0 }
             show && n < 30 { print "    " $0; n++ }' "$log"
    fi
}

san_flags="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
no_gates=(-DOCPP_QUALITY_GATES=OFF)

header "dependencies (scripts/deps.sh test)"
run "deps" "$root/build/logs/deps.log" "$root/scripts/deps.sh" test

header "gcc Debug build + full ctest (unit, integration, checks) in build/"
if build "gcc" "$root/build" -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=Debug \
    -DOCPP_BUILD_TESTS=ON -DOCPP_BUILD_PORT_POSIX=ON -DOCPP_BUILD_APPS=ON -DOCPP_QUALITY_GATES=ON; then :; fi
tests "gcc ctest" "$root/build"

header "ASan+UBSan build + unit and integration tests in build-asan/"
build "asan" "$root/build-asan" -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_C_FLAGS="$san_flags" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" "${no_gates[@]}"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    tests "asan ctest" "$root/build-asan"

header "clang build + unit tests in build-clang/"
build "clang" "$root/build-clang" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug "${no_gates[@]}"
tests "clang ctest" "$root/build-clang" -R '^(unit|fuzz)\.'

header "libFuzzer: every target ${FUZZ_SECONDS:-20}s, seed 1, temporary corpus copy (build-clang/)"
if [ -f "$root/build-clang/tests/fuzz/fuzzers.txt" ]; then
    "$root/scripts/fuzz.sh" --build-dir "$root/build-clang" --no-build --seconds "${FUZZ_SECONDS:-20}" \
        --jobs "$JOBS" >"$root/build-clang/logs/fuzz.log" 2>&1
    while IFS= read -r line; do
        case "$line" in
        *" execs "*" ok") ok "fuzz ${line%% *}"; echo "      $line" ;;
        *" execs "*) ko "fuzz ${line%% *} (log: build-clang/logs/fuzz.log)"; echo "      $line" ;;
        esac
    done <"$root/build-clang/logs/fuzz.log"
    grep -E '^    |^fuzz: .*crashed' "$root/build-clang/logs/fuzz.log" | head -20
else
    ko "fuzz: no libFuzzer binaries in build-clang/ (clang with libclang-rt-dev?)"
fi

header "32-bit (-m32) build in build-m32/"
if dpkg-query -W -f='${Status}' libcmocka-dev:i386 2>/dev/null | grep -q 'install ok installed'; then
    m32_posix=OFF
    if dpkg-query -W -f='${Status}' libmbedtls-dev:i386 2>/dev/null | grep -q 'install ok installed'; then
        m32_posix=ON
    fi
    build "m32" "$root/build-m32" -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS=-m32 \
        -DOCPP_BUILD_PORT_POSIX=$m32_posix -DOCPP_BUILD_APPS=OFF "${no_gates[@]}"
    tests "m32 ctest" "$root/build-m32" -R '^(unit|fuzz)\.'
else
    echo "  (libcmocka-dev:i386 not installed: core library only, no unit tests)"
    build "m32 core" "$root/build-m32" -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS=-m32 \
        -DOCPP_BUILD_TESTS=OFF -DOCPP_BUILD_PORT_POSIX=OFF -DOCPP_BUILD_APPS=OFF
fi

header "cross builds (core library + size firmware) in build-cross-<target>/"
cross_targets="cortex-m4f cortex-m0plus rv32imc xtensa-lx106"
built_targets=""
for t in $cross_targets; do
    if build "cross $t" "$root/build-cross-$t" -DCMAKE_TOOLCHAIN_FILE="$root/cmake/toolchains/$t.cmake" \
        -DCMAKE_BUILD_TYPE=MinSizeRel -DOCPP_BUILD_TESTS=OFF -DOCPP_BUILD_PORT_POSIX=OFF -DOCPP_BUILD_SIZE=ON; then
        built_targets="$built_targets $t"
    fi
done

header "size report (scripts/size.sh) + nm gate per target"
if [ -n "$built_targets" ]; then
    if OCPP_CROSS_BUILD_PREFIX="$root/build-cross-" "$root/scripts/size.sh" --no-build \
        --targets "${built_targets# }" >"$root/build/logs/size.log" 2>&1; then
        ok "size report"
    else
        ko "size report (log: build/logs/size.log)"
    fi
    awk '/^Size of the/ { table = 1 } table || /^size: |^  ocpp_|^check_nm: / { print "  " $0 }' \
        "$root/build/logs/size.log"
else
    ko "size report: no cross target built"
fi

echo
echo "==== summary ($(($(date +%s) - t_start))s)"
for f in "${failures[@]+"${failures[@]}"}"; do
    echo "  failed: $f"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
