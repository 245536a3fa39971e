#!/usr/bin/env bash
# `make test`: every build and test of the project, in order, with a header
# line per step, then a summary line "N passed, N failed" (ctest tests plus
# build steps). Exit status non-zero on any failure.
#
# Build dirs (at the repo root): build/ (gcc Debug, full ctest), build-asan/,
# build-clang/ (also the libFuzzer binaries), build-ct/ (Core + Remote Trigger: the other 1.6
# profiles and OCPP 2.0.1 compiled out), build-m32/, build-cross-<target>/,
# build-target-m4/ (unit tests for Cortex-M4F, run under qemu-system-arm).
# FUZZ_SECONDS (default 10): how long each libFuzzer target runs (long runs: make fuzz-long).
#
# Usage: scripts/test.sh [STEP...]: only the named steps, in the usual order
# (deps gcc asan clang fuzz ct m32 cross target size); no argument: all of them.
# A test that cannot run here is reported as "skipped: why" and counted as
# skipped, never as passed.
# OCPP_FORCE_NO_M32_EXEC=1: act as if the kernel could not execute 32-bit
# binaries (tests the qemu-i386 path on a machine whose kernel can).
# OCPP_QEMU_I386: the qemu-i386 to use (default: from PATH; empty: none).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
JOBS=${JOBS:-2}
passed=0
failed=0
skipped=0
failures=()
skips=()
all_steps="deps gcc asan clang fuzz ct m32 cross target size"
selected=${*:-$all_steps}
for s in $selected; do
    case " $all_steps " in
    *" $s "*) ;;
    *)
        echo "usage: $0 [STEP...], steps: $all_steps" >&2
        exit 2
        ;;
    esac
done
want() { case " $selected " in *" $1 "*) return 0 ;; esac; return 1; }
step_no=0
steps=0
for s in $all_steps; do
    if want "$s"; then steps=$((steps + 1)); fi
done
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
# Something that could not run here: visible, counted apart, never as passed.
skip() {
    skipped=$((skipped + 1))
    skips+=("$*")
    echo "  skipped: $*"
}
# report LABEL LOG STATUS: count a step that ended with exit STATUS (its output
# in LOG), quiet unless it failed.
report() {
    local label=$1 log=$2 rc=$3
    if [ "$rc" -eq 0 ]; then
        ok "$label"
        return 0
    fi
    ko "$label (log: ${log#"$root"/})"
    grep -E 'error|Error|FAILED|undefined' "$log" | head -12 | sed 's/^/    /'
    tail -5 "$log" | sed 's/^/    /'
    return 1
}
# run LABEL LOG CMD...: one counted step, quiet unless it fails.
run() {
    local label=$1 log=$2 rc=0
    shift 2
    mkdir -p "$(dirname "$log")"
    "$@" >"$log" 2>&1 || rc=$?
    report "$label" "$log" "$rc"
}
# configure + build: one step each. Extra args go to cmake configure.
# build LABEL DIR [--src SOURCE_DIR] [CMAKE_ARGS...] (source: the repo root).
# A DIR queued by prebuild: waits for it and reports its two steps as if they
# had run here (same labels, logs and failure output).
build() {
    local label=$1 dir=$2 src=$root
    shift 2
    if [ "${1:-}" = --src ]; then
        src=$2
        shift 2
    fi
    local c b
    if prebuilt "$dir"; then
        read -r c b <"$dir/logs/prebuild.status"
        report "$label: configure" "$dir/logs/configure.log" "$c" || return 1
        report "$label: build" "$dir/logs/build.log" "$b"
        return
    fi
    run "$label: configure" "$dir/logs/configure.log" \
        cmake -S "$src" -B "$dir" -G "Unix Makefiles" "$@" || return 1
    # -k: build what can be built, so that ctest reports the rest as not run.
    run "$label: build" "$dir/logs/build.log" cmake --build "$dir" -j"$JOBS" -- -k
}

# Prebuild: the builds of the later steps (asan, clang, ct, cross, target), one
# after the other in the background at the lowest CPU priority (nice 19),
# while the gcc step's tests run: those wait on timers, peers and child
# processes much of the time, and the builds take the idle CPU (a test keeps
# ~98 % of a core against them). The same commands and logs as build(); the
# status of each in DIR/logs/prebuild.status ("CONFIGURE BUILD" exit codes).
# OCPP_PREBUILD=0: build each in its own step, as before.
prebuild_pid=""
prebuild_dirs=" "
trap 'if [ -n "$prebuild_pid" ]; then kill "$prebuild_pid" 2>/dev/null; fi' EXIT
# prebuild_one DIR [--src SOURCE_DIR] [CMAKE_ARGS...] (in the background queue).
prebuild_one() {
    local dir=$1 src=$root c=0 b=1
    shift
    if [ "${1:-}" = --src ]; then
        src=$2
        shift 2
    fi
    mkdir -p "$dir/logs"
    nice -n 19 cmake -S "$src" -B "$dir" -G "Unix Makefiles" "$@" >"$dir/logs/configure.log" 2>&1 || c=$?
    if [ "$c" -eq 0 ]; then
        b=0
        nice -n 19 cmake --build "$dir" -j"$JOBS" -- -k >"$dir/logs/build.log" 2>&1 || b=$?
    fi
    echo "$c $b" >"$dir/logs/prebuild.status.new"
    mv "$dir/logs/prebuild.status.new" "$dir/logs/prebuild.status"
}
# prebuild_start: queue the builds of the wanted later steps (see the steps
# for their arguments).
prebuild_start() {
    [ "${OCPP_PREBUILD:-1}" = 1 ] || return 0
    local q=() t
    want asan && q+=(asan)
    want clang && q+=(clang)
    want ct && q+=(ct)
    if want cross; then
        for t in $cross_targets; do q+=("cross:$t"); done
    fi
    want target && q+=(target)
    [ ${#q[@]} -gt 0 ] || return 0
    for t in "${q[@]}"; do
        prebuild_dirs="$prebuild_dirs$(queued_dir "$t") "
        rm -f "$(queued_dir "$t")/logs/prebuild.status"
    done
    (
        for t in "${q[@]}"; do
            case $t in
            asan) prebuild_one "$root/build-asan" "${asan_args[@]}" ;;
            clang) prebuild_one "$root/build-clang" "${clang_args[@]}" ;;
            ct) prebuild_one "$root/build-ct" "${ct_args[@]}" ;;
            cross:*)
                cross_args "${t#cross:}"
                prebuild_one "$root/build-cross-${t#cross:}" "${cross_a[@]}"
                ;;
            target) prebuild_one "$root/build-target-m4" "${target_args[@]}" ;;
            esac
        done
    ) </dev/null >/dev/null 2>&1 &
    prebuild_pid=$!
}
queued_dir() {
    case $1 in
    asan) echo "$root/build-asan" ;;
    clang) echo "$root/build-clang" ;;
    ct) echo "$root/build-ct" ;;
    cross:*) echo "$root/build-cross-${1#cross:}" ;;
    target) echo "$root/build-target-m4" ;;
    esac
}
# prebuilt DIR: DIR was queued; wait until its build has ended. False if it
# was not queued, or if the queue ended without building it (then build()
# builds it itself).
prebuilt() {
    case $prebuild_dirs in *" $1 "*) ;; *) return 1 ;; esac
    local n=0
    while [ ! -f "$1/logs/prebuild.status" ]; do
        kill -0 "$prebuild_pid" 2>/dev/null || break
        # Nothing else of ours runs while a step waits: the builds under way
        # back to normal priority (where allowed: lowering a nice value takes
        # root), so that other work on the machine does not starve them. The
        # queue's builds after this step's start at nice 19 again.
        if [ $((n % 5)) -eq 0 ]; then
            renice_tree "$prebuild_pid"
        fi
        n=$((n + 1))
        sleep 1
    done
    [ -f "$1/logs/prebuild.status" ]
}
renice_tree() { # PID: it and its descendants to nice 0, quietly
    local c
    renice -n 0 -p "$1" >/dev/null 2>&1 || return 0
    for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do
        renice_tree "$c"
    done
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
    # Tests that could not run here (SKIP_RETURN_CODE, e.g. browser.dashboard without a working
    # chromium): ctest counts them among the passed; here they are skipped, with their reason.
    local name why
    while read -r name; do
        [ -n "$name" ] || continue
        p=$((p - 1))
        why=$(awk -v t="$name" '$0 ~ "^[0-9]+/[0-9]+ Test: " t "$" { on = 1 }
                                on && /^skipped: / { sub(/^skipped: /, ""); print; exit }' \
            "$dir/Testing/Temporary/LastTest.log" 2>/dev/null)
        skip "$label: $name: ${why:-skipped by the test}"
    done < <(sed -n '/The following tests did not run/,$p' "$log" | sed -nE 's/^\s*[0-9]+ - (\S+) \(Skipped\)$/\1/p')
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
# The configure arguments of the later steps' builds (also used by prebuild).
asan_args=(-DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=Debug
    -DCMAKE_C_FLAGS="$san_flags" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" "${no_gates[@]}")
clang_args=(-DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug "${no_gates[@]}")
# Core + Remote Trigger: the small 1.6 build of the size figures (README "Size").
ct_args=(-DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=Debug -DOCPP_OCPP201=OFF
    -DOCPP_PROFILE_FIRMWARE=OFF -DOCPP_PROFILE_LOCAL_AUTH=OFF -DOCPP_PROFILE_RESERVATION=OFF
    -DOCPP_PROFILE_SMART_CHARGING=OFF "${no_gates[@]}")
cross_targets="cortex-m4f cortex-m0plus rv32imc xtensa-lx106"
cross_args() { # TARGET: its arguments into the array cross_a
    cross_a=(-DCMAKE_TOOLCHAIN_FILE="$root/cmake/toolchains/$1.cmake" -DCMAKE_BUILD_TYPE=MinSizeRel
        -DOCPP_BUILD_TESTS=OFF -DOCPP_BUILD_PORT_POSIX=OFF -DOCPP_BUILD_SIZE=ON)
}
target_args=(--src "$root/tests/target"
    -DCMAKE_TOOLCHAIN_FILE="$root/cmake/toolchains/cortex-m4f.cmake" -DCMAKE_BUILD_TYPE=MinSizeRel)

if want deps; then
    header "dependencies (scripts/deps.sh test)"
    run "deps" "$root/build/logs/deps.log" "$root/scripts/deps.sh" test
fi

if want gcc; then
    header "gcc Debug build + full ctest (unit, integration, checks) in build/"
    if build "gcc" "$root/build" -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=Debug \
        -DOCPP_BUILD_TESTS=ON -DOCPP_BUILD_PORT_POSIX=ON -DOCPP_BUILD_APPS=ON -DOCPP_QUALITY_GATES=ON; then :; fi
    prebuild_start
    tests "gcc ctest" "$root/build"
else
    prebuild_start
fi

if want asan; then
    header "ASan+UBSan build + unit and integration tests in build-asan/"
    build "asan" "$root/build-asan" "${asan_args[@]}"
    # Under the sanitizers: the kill torture with 60 SIGKILLs (the gcc step runs 200; long runs
    # are bench/torture), no browser test (the page is the same; its REST and SSE paths run
    # under ASan in the integration tests), and the transaction generator with 40 stations for
    # 25 s (the gcc step runs the issue's 500 stations for a minute).
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        OCPP_TORTURE_KILLS=60 OCPP_GEN_STATIONS=40 OCPP_GEN_MS=25000 \
        tests "asan ctest" "$root/build-asan" -E '^browser\.'
fi

if want clang; then
    header "clang build + unit tests in build-clang/"
    build "clang" "$root/build-clang" "${clang_args[@]}"
    tests "clang ctest" "$root/build-clang" -R '^(unit|fuzz)\.'
fi

if want fuzz; then
    header "libFuzzer: every target ${FUZZ_SECONDS:-10}s, seed 1, temporary corpus copy (build-clang/)"
    if [ -f "$root/build-clang/tests/fuzz/fuzzers.txt" ]; then
        "$root/scripts/fuzz.sh" --build-dir "$root/build-clang" --no-build --seconds "${FUZZ_SECONDS:-10}" \
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
fi

if want ct; then
    # The unit tests with the profiles compiled out: they expect what the build has (a key of
    # a compiled-out profile absent, SupportedFeatureProfiles without it, its CALLs NotSupported).
    header "Core + Remote Trigger build (other profiles, OCPP 2.0.1 off) + unit tests in build-ct/"
    build "ct" "$root/build-ct" "${ct_args[@]}"
    tests "ct ctest" "$root/build-ct" -R '^unit\.'
fi

# m32_probe DIR: can this machine run a 32-bit x86 binary, and how? Sets
# m32_how to "native" (the kernel runs it), "qemu" (only under qemu-i386,
# m32_emu is its path) or "none", and m32_why to the reason for the latter two.
# The probe program exits 42, so that only a real run counts.
m32_probe() {
    local dir=$1 out rc
    mkdir -p "$dir"
    printf 'int main(void) { return 42; }\n' >"$dir/m32probe.c"
    m32_how=none m32_emu="" m32_why=""
    if ! out=$(gcc -m32 "$dir/m32probe.c" -o "$dir/m32probe" 2>&1); then
        m32_why="gcc -m32 cannot link a program (gcc-multilib?): $(echo "$out" | grep -m1 -i error)"
        return
    fi
    if [ "${OCPP_FORCE_NO_M32_EXEC:-0}" = 1 ]; then
        m32_why="native run disabled by OCPP_FORCE_NO_M32_EXEC=1"
    else
        out=$("$dir/m32probe" 2>&1)
        rc=$?
        if [ "$rc" -eq 42 ]; then
            m32_how=native
            # The kernel may itself hand i386 binaries to qemu (qemu-user-binfmt).
            if grep -qs '^enabled' /proc/sys/fs/binfmt_misc/qemu-i386; then
                m32_why="through binfmt_misc: the kernel hands 32-bit binaries to qemu-i386"
            fi
            return
        fi
        m32_why="the kernel does not run 32-bit binaries (exit $rc: $(echo "$out" | head -1))"
    fi
    m32_emu=${OCPP_QEMU_I386-$(command -v qemu-i386)}
    if [ -z "$m32_emu" ] || [ ! -x "$m32_emu" ]; then
        m32_why="$m32_why, and qemu-i386 (Debian qemu-user) was not found"
        m32_emu=""
        return
    fi
    out=$("$m32_emu" "$dir/m32probe" 2>&1)
    rc=$?
    if [ "$rc" -eq 42 ]; then
        m32_how=qemu
    else
        m32_why="$m32_why, and qemu-i386 does not run it either (exit $rc: $(echo "$out" | head -1))"
        m32_emu=""
    fi
}

if want m32; then
    header "32-bit (-m32) build + unit tests in build-m32/"
    t_step=$(date +%s)
    m32_tc="$root/cmake/toolchains/i386-linux.cmake"
    # A build-m32/ configured without the toolchain file (older test.sh) is
    # not a cross build, and the toolchain is read only on the first configure.
    if [ -f "$root/build-m32/CMakeCache.txt" ] &&
        ! grep -q "^CMAKE_TOOLCHAIN_FILE:.*=$m32_tc\$" "$root/build-m32/CMakeCache.txt"; then
        rm -rf "$root/build-m32"
    fi
    m32_probe "$root/build-m32/probe"
    case $m32_how in
    native) echo "  probe: a 32-bit binary runs natively${m32_why:+ ($m32_why)}" ;;
    qemu) echo "  probe: $m32_why; the tests run under $m32_emu (CMAKE_CROSSCOMPILING_EMULATOR)" ;;
    none) echo "  probe: $m32_why" ;;
    esac
    m32_cmocka=OFF
    if dpkg-query -W -f='${Status}' libcmocka-dev:i386 2>/dev/null | grep -q 'install ok installed'; then
        m32_cmocka=ON
    fi
    if [ $m32_cmocka = ON ]; then
        m32_posix=OFF
        if dpkg-query -W -f='${Status}' libmbedtls-dev:i386 2>/dev/null | grep -q 'install ok installed'; then
            m32_posix=ON
        fi
        # The emulator is set (or cleared) on every configure: ctest runs each
        # test executable through it.
        if build "m32" "$root/build-m32" -DCMAKE_TOOLCHAIN_FILE="$m32_tc" -DCMAKE_BUILD_TYPE=Debug \
            -DCMAKE_CROSSCOMPILING_EMULATOR="$m32_emu" -DOCPP_BUILD_TESTS=ON \
            -DOCPP_BUILD_PORT_POSIX=$m32_posix -DOCPP_BUILD_APPS=OFF "${no_gates[@]}"; then :; fi
        case $m32_how in
        native) tests "m32 ctest (native)" "$root/build-m32" -R '^(unit|fuzz)\.' ;;
        qemu) tests "m32 ctest (qemu-i386)" "$root/build-m32" -R '^(unit|fuzz)\.' ;;
        none) skip "m32 unit tests: built, not run: $m32_why" ;;
        esac
    else
        build "m32 core" "$root/build-m32" -DCMAKE_TOOLCHAIN_FILE="$m32_tc" -DCMAKE_BUILD_TYPE=Debug \
            -DOCPP_BUILD_TESTS=OFF -DOCPP_BUILD_PORT_POSIX=OFF -DOCPP_BUILD_APPS=OFF
        skip "m32 unit tests: libcmocka-dev:i386 not installed (core library built only)"
    fi
    echo "  m32 step: $(($(date +%s) - t_step))s"
fi

built_targets=""
if want cross; then
    header "cross builds (core library + size firmware) in build-cross-<target>/"
    for t in $cross_targets; do
        cross_args "$t"
        if build "cross $t" "$root/build-cross-$t" "${cross_a[@]}"; then
            built_targets="$built_targets $t"
        fi
    done
fi

if want target; then
    # The unit tests that fit a microcontroller (tests/target/CMakeLists.txt
    # says which), built for Cortex-M4F with the library compiled exactly as
    # in the cross build, each run on an emulated MPS2 AN386 board
    # (tests/target/run.sh: semihosting for output and exit status, timeout).
    header "unit tests on Cortex-M4F (qemu-system-arm mps2-an386) in build-target-m4/"
    t_step=$(date +%s)
    tdir="$root/build-target-m4"
    tlabel="cortex-m4 (qemu mps2-an386)"
    if build "$tlabel" "$tdir" "${target_args[@]}"; then
        # The library tested is the one of the cross build: same objects.
        xdir="$root/build-cross-cortex-m4f"
        if want cross && [ -d "$xdir/src" ]; then
            n=0 differ=""
            while IFS= read -r o; do
                n=$((n + 1))
                cmp -s "$xdir/$o" "$tdir/ocpp/$o" || differ="$differ ${o##*/}"
            done < <(cd "$xdir" && find src ports/flash -name '*.obj' 2>/dev/null | sort)
            if [ "$n" -gt 0 ] && [ -z "$differ" ]; then
                ok "$tlabel: the $n library objects are byte-identical to build-cross-cortex-m4f/"
            else
                ko "$tlabel: library objects differ from build-cross-cortex-m4f/:${differ:- none found}"
            fi
        fi
        if ! command -v qemu-system-arm >/dev/null 2>&1; then
            skip "$tlabel: qemu-system-arm not found (Debian qemu-system-arm): target tests built, not run"
        elif ! qemu-system-arm -M help 2>/dev/null | grep -q '^mps2-an386 '; then
            skip "$tlabel: this qemu-system-arm has no mps2-an386 machine: target tests built, not run"
        else
            # The runner itself first: failures are counted and fail the image.
            log="$tdir/logs/shim_selftest.log"
            if "$root/tests/target/run.sh" "$tdir/shim_selftest.elf" >"$log" 2>&1 &&
                grep -q '^shim self-test: ok' "$log"; then
                ok "$tlabel: cmocka shim self-test (failures, skips, exit status)"
            else
                ko "$tlabel: cmocka shim self-test (log: ${log#"$root"/})"
                tail -5 "$log" | sed 's/^/    /'
            fi
            while IFS=$'\t' read -r name elf; do
                log="$tdir/logs/$name.log"
                t0=$(date +%s)
                "$root/tests/target/run.sh" "$elf" >"$log" 2>&1
                rc=$?
                secs=$(($(date +%s) - t0))
                # Sums over the groups of the image: run, passed, failed, skipped.
                read -r n_run n_ok n_fail n_skip < <(awk '
                    /^\[==========\] .*[0-9]+ test\(s\) run\./ { for (i = 1; i <= NF; i++) if ($i == "test(s)") r += $(i - 1) }
                    /^\[  PASSED  \] [0-9]+ test\(s\)\./ { p += $4 }
                    /^\[  FAILED  \] [0-9]+ test\(s\), listed below/ { f += $4 }
                    /^\[  SKIPPED \] [0-9]+ test\(s\)\./ { s += $4 }
                    END { print r + 0, p + 0, f + 0, s + 0 }' "$log")
                stack=$(sed -nE 's/^\[  TARGET  \] stack: ([0-9]+) of.*/\1/p' "$log")
                extra=""
                [ "$n_skip" -gt 0 ] && extra=", $n_skip skipped"
                if [ "$rc" -eq 0 ] && [ "$n_run" -gt 0 ] && [ "$n_fail" -eq 0 ] &&
                    [ $((n_ok + n_skip)) -eq "$n_run" ]; then
                    ok "$tlabel: $name: $n_ok tests passed$extra (${secs}s, stack ${stack:-?} B)"
                else
                    why="exit status $rc"
                    [ "$rc" -eq 124 ] && why="timed out"
                    [ "$rc" -eq 3 ] && why="CPU fault"
                    ko "$tlabel: $name: $n_fail of $n_run tests failed, $why (log: ${log#"$root"/})"
                    # Each failure: the assertion's message, file:line, the test.
                    awk '/listed below/ { exit }
                         /^\[   LINE   \]/ { print prev }
                         /^\[  (FAILED|ERROR) +\] |^\[   LINE   \]|^fault:|^run\.sh:/ { print }
                         { prev = $0 }' "$log" | head -24 | sed 's/^/    /'
                fi
            done <"$tdir/target_tests.txt"
        fi
    fi
    echo "  target step: $(($(date +%s) - t_step))s"
fi

if want size; then
    header "size report (scripts/size.sh) + nm gate per target"
    if ! want cross; then
        # Size of what an earlier run built.
        for t in cortex-m4f cortex-m0plus rv32imc xtensa-lx106; do
            [ -d "$root/build-cross-$t" ] && built_targets="$built_targets $t"
        done
    fi
    mkdir -p "$root/build/logs"
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
fi

echo
echo "==== summary ($(($(date +%s) - t_start))s)"
for f in "${failures[@]+"${failures[@]}"}"; do
    echo "  failed: $f"
done
for f in "${skips[@]+"${skips[@]}"}"; do
    echo "  skipped: $f"
done
if [ "$skipped" -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
