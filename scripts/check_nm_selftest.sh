#!/usr/bin/env bash
# Self-test of check_nm.sh: compiles tests/checks/nm/*.c into one archive each
# and asserts that the checker passes good.c and fails every bad_*.c.
# Usage: check_nm_selftest.sh [CC] [extra CFLAGS...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src="$here/../tests/checks/nm"
CC=${1:-${CC:-cc}}
[ $# -gt 0 ] && shift
AR=${AR:-ar}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

failures=0
for c in "$src"/*.c; do
    name=$(basename "$c" .c)
    for opt in -O0 -Os; do
        obj="$tmp/$name$opt.c.o"
        lib="$tmp/lib$name$opt.a"
        "$CC" -std=c11 "$opt" -c "$@" "$c" -o "$obj"
        rm -f "$lib"
        "$AR" qc "$lib" "$obj"
        if "$here/check_nm.sh" -q "$lib" >"$tmp/out" 2>&1; then result=pass; else result=fail; fi
        case "$name" in
        good) want=pass ;;
        *) want=fail ;;
        esac
        if [ "$result" = "$want" ]; then
            echo "ok   $name $opt: checker says $result"
        else
            echo "FAIL $name $opt: checker says $result, expected $want"
            sed 's/^/     /' "$tmp/out"
            failures=$((failures + 1))
        fi
    done
done
if [ "$failures" -ne 0 ]; then
    echo "check_nm_selftest: $failures case(s) wrong"
    exit 1
fi
echo "check_nm_selftest: OK"
