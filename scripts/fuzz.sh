#!/usr/bin/env bash
# Run the libFuzzer targets (tests/fuzz/fuzz_*.c) for a fixed time each.
#
# Usage: scripts/fuzz.sh [--build-dir DIR] [--seconds N] [--runs N] [--jobs N]
#                        [--corpus-out DIR] [--targets "a b"] [--no-build]
#   --build-dir   clang build with OCPP_FUZZ=ON (default: build-fuzz/, configured
#                 and built here unless --no-build)
#   --seconds     per target (default: $FUZZ_SECONDS, else 20)
#   --runs        stop each target after N executions instead (no time limit)
#   --jobs        targets run at once (default 1)
#   --corpus-out  keep the corpus here (DIR/<target>/, seeded from the committed
#                 corpus, never committed); default: a temporary copy, so the
#                 repository's corpus is never modified
#   --targets     only these (default: every target of the build)
# Every run: fixed -seed=1, the dictionary tests/fuzz/ocpp.dict, UBSan halting
# on any report except the known open ones in tests/fuzz/ubsan.supp, and a
# -max_len that fits the input type (max_len_of below): longer inputs add no
# coverage but make every execution slower as the corpus grows.
# Prints one line per target: executions, exec/s, cov and ft (libFuzzer's
# final numbers), and the crash artifact if any. Exit status 1 on any crash.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=$root/build-fuzz
seconds=${FUZZ_SECONDS:-20}
runs=0
jobs=1
corpus_out=""
only=""
do_build=1
while [ $# -gt 0 ]; do
    case "$1" in
    --build-dir) build_dir=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --corpus-out) corpus_out=$2; shift 2 ;;
    --targets) only=$2; shift 2 ;;
    --no-build) do_build=0; shift ;;
    *) sed -n '2,21p' "$0" >&2; exit 2 ;;
    esac
done
list=$build_dir/tests/fuzz/fuzzers.txt
if [ "$do_build" -eq 1 ]; then
    if ! { cmake -S "$root" -B "$build_dir" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
        -DOCPP_BUILD_PORT_POSIX=OFF -DOCPP_BUILD_APPS=OFF -DOCPP_QUALITY_GATES=OFF -DOCPP_FUZZ=ON &&
        cmake --build "$build_dir" -j2 --target ocpp_fuzzers; } >"$build_dir.log" 2>&1; then
        echo "fuzz: build FAILED (log: $build_dir.log)"
        tail -20 "$build_dir.log"
        exit 1
    fi
fi
if [ ! -f "$list" ]; then
    echo "fuzz: $list missing: no libFuzzer build in $build_dir (clang with OCPP_FUZZ=ON)"
    exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
art_dir=${corpus_out:-$build_dir/fuzz-artifacts}
[ -n "$corpus_out" ] && art_dir=$corpus_out/artifacts
mkdir -p "$art_dir"

# max_len_of NAME: the longest useful input of a target. json, rpc, ws: a
# message in a 4 KiB receive buffer (the ws target's buffer is 1 KiB at most);
# config: lines or a record ("plenty" for a record is 1 KiB); flash_store: 1
# geometry byte + a 5 KiB image + 24 operations of 3 bytes; others 8 KiB.
max_len_of() {
    case "$1" in
    json | rpc | ws) echo 4096 ;;
    config) echo 2048 ;;
    flash_store) echo 5200 ;;
    *) echo 8192 ;;
    esac
}

# run_one NAME BINARY: one libFuzzer run; writes $work/NAME.result.
run_one() {
    local name=$1 bin=$2 corpus log rc
    if [ -n "$corpus_out" ]; then
        corpus=$corpus_out/$name
        mkdir -p "$corpus"
    else
        corpus=$work/corpus-$name
        mkdir -p "$corpus"
    fi
    cp -n "$root/tests/fuzz/corpus/$name"/* "$corpus"/ 2>/dev/null
    log=$work/$name.log
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:suppressions=$root/tests/fuzz/ubsan.supp \
        ASAN_OPTIONS=detect_leaks=1 \
        "$bin" -max_total_time="$limit" -runs="$runs_opt" -seed=1 -dict="$root/tests/fuzz/ocpp.dict" \
        -max_len="$(max_len_of "$name")" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$art_dir/$name-" "$corpus" >"$log" 2>&1
    rc=$?
    awk -v name="$name" -v rc="$rc" '
        /^#[0-9]+.*cov: / { for (i = 1; i <= NF; i++) { if ($i == "cov:") cov = $(i + 1); if ($i == "ft:") ft = $(i + 1); if ($i == "corp:") corp = $(i + 1) } }
        /^stat::number_of_executed_units:/ { execs = $2 }
        /^stat::average_exec_per_sec:/ { rate = $2 }
        /Test unit written to/ { art = $NF }
        END {
            printf "%-8s %10s execs %7s/s  cov %5s  ft %6s  corpus %-6s %s\n", name, execs + 0, rate + 0, cov, ft, corp,
                rc == 0 ? "ok" : "CRASH (exit " rc ", input " art ")"
        }' "$log" >"$work/$name.result"
    if [ "$rc" -ne 0 ]; then
        grep -E 'ERROR|runtime error|SUMMARY|^ +#[0-9]+ ' "$log" | head -14 | sed 's/^/    /' >>"$work/$name.result"
        cp "$log" "$art_dir/$name.log"
    fi
    return "$rc"
}

# -runs=-1 is libFuzzer's "no limit"; -max_total_time=0 likewise.
if [ "$runs" -gt 0 ]; then limit=0 runs_opt=$runs; else limit=$seconds runs_opt=-1; fi
names=()
running=0
while IFS=$'\t' read -r name bin; do
    [ -n "$name" ] || continue
    if [ -n "$only" ] && ! printf ' %s ' $only | grep -q " $name "; then
        continue
    fi
    names+=("$name")
    run_one "$name" "$bin" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
        wait -n
        running=$((running - 1))
    fi
done <"$list"
wait
crashed=0
if [ "$runs" -gt 0 ]; then what="$runs executions"; else what="${seconds}s"; fi
echo "fuzz: $what per target, seed 1, dictionary tests/fuzz/ocpp.dict"
for n in "${names[@]}"; do
    cat "$work/$n.result"
    { [ -f "$work/$n.result" ] && ! grep -q CRASH "$work/$n.result"; } || crashed=$((crashed + 1))
done
if [ "$crashed" -ne 0 ]; then
    echo "fuzz: $crashed target(s) crashed (inputs and logs in ${art_dir#"$root"/}/)"
    exit 1
fi
echo "fuzz: no crash"
