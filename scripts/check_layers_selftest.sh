#!/usr/bin/env bash
# Self-test of check_layers.sh: compiles tests/checks/layers/<folder>/*.c into a
# CMake-like tree (.../x.dir/<folder>/<file>.c.o) and runs the checker on
# chosen objects with a temporary layers file: it must pass a good downward-only
# set, fail each kind of violation with its message, and exit 2 on bad usage.
# Usage: check_layers_selftest.sh [CC] [extra CFLAGS...]  (NM from the environment)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src="$here/../tests/checks/layers"
CC=${1:-${CC:-cc}}
[ $# -gt 0 ] && shift
NM=${NM:-nm}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

objdir="$tmp/CMakeFiles/x.dir"
for c in "$src"/*/*.c; do
    rel=${c#"$src"/}
    mkdir -p "$objdir/${rel%/*}"
    "$CC" -std=c11 -O0 -c "$@" "$c" -o "$objdir/$rel.o"
done

failures=0
# expect NAME LAYERS WANT OBJ...: LAYERS is the layers file (printf %b), WANT
# "pass", "usage" (exit 2) or a line that the failure output (exit 1) must hold.
expect() {
    local name=$1 want=$3 rc=0 o ok=0
    printf '%b\n' "$2" >"$tmp/layers.txt"
    shift 3
    local objs=()
    for o in "$@"; do objs+=("$objdir/$o.c.o"); done
    "$here/check_layers.sh" --nm "$NM" "$tmp/layers.txt" "${objs[@]}" >"$tmp/out" 2>&1 || rc=$?
    case "$want:$rc" in
    pass:0 | usage:2) ok=1 ;;
    pass:* | usage:*) ;;
    *:1) grep -qxF -- "$want" "$tmp/out" && ok=1 ;;
    esac
    if [ "$ok" -eq 1 ]; then
        echo "ok     $name (exit $rc)"
    else
        echo "FAILED $name: exit $rc, expected: $want"
        sed 's/^/       /' "$tmp/out"
        failures=$((failures + 1))
    fi
}

expect good '# top first\nhi  # comment\nempty\nlo' pass hi/app hi/top lo/base
expect upward 'hi\nlo' \
    'layer violation: lo/up.c.o (lo) -> fx_top defined in hi/top.c.o (hi, higher layer)' \
    hi/top lo/base lo/up
expect pair-cycle 'hi\nlo' 'cycle: lo/ping.c.o -> lo/pong.c.o -> lo/ping.c.o' lo/ping lo/pong
expect 3-cycle 'lo' \
    'cycle: lo/circle_a.c.o -> lo/circle_b.c.o -> lo/circle_c.c.o -> lo/circle_a.c.o' \
    lo/circle_a lo/circle_b lo/circle_c
expect same-layer 'hi\nlo side' \
    'same-layer reference: side/peer.c.o (side) -> fx_base defined in lo/base.c.o (lo, same layer)' \
    hi/top lo/base side/peer
expect undeclared 'hi\nlo' 'undeclared folder: extra/stray.c.o (extra is not in '"$tmp"'/layers.txt)' \
    hi/top lo/base extra/stray
expect no-objects 'hi\nlo' usage
expect twice-declared 'hi\nlo hi' usage hi/top lo/base

if [ "$failures" -ne 0 ]; then
    echo "check_layers_selftest: $failures case(s) wrong"
    exit 1
fi
echo "check_layers_selftest: OK"
