#!/usr/bin/env bash
# clang-tidy gate (ctest check.tidy): the checks of .clang-tidy over the C
# files of TIDY_DIRS, each once, with its first entry in the build's
# compile_commands.json (the flags of the target it belongs to); any finding
# fails. Headers under include/ocpp, src and ports/posix are checked through
# the files that include them (HeaderFilterRegex).
#
# Usage: scripts/check_tidy.sh <source dir> <build dir> [--all] [dir...]
#   --all  also the directories still being written (TIDY_PENDING_DIRS),
#          for a report; explicit dirs replace the list.
set -uo pipefail
# Gated directories (zero findings). Move a directory from TIDY_PENDING_DIRS
# to TIDY_DIRS once its findings are fixed.
TIDY_DIRS="src/json src/ws src/rpc src/util src/cp src/v16 src/v201 src/station src/session src/store src/model ports/posix ports/flash app boards apps/simulator"
TIDY_PENDING_DIRS=""
src=${1:?usage: $0 <source dir> <build dir> [--all] [dir...]}
bld=${2:?usage: $0 <source dir> <build dir> [--all] [dir...]}
shift 2
dirs=$TIDY_DIRS
if [ "${1:-}" = --all ]; then
    dirs="$TIDY_DIRS $TIDY_PENDING_DIRS"
    shift
fi
[ $# -gt 0 ] && dirs="$*"
tidy=${CLANG_TIDY:-clang-tidy}
command -v "$tidy" >/dev/null || { echo "check_tidy: $tidy not found"; exit 1; }
db=$bld/compile_commands.json
[ -f "$db" ] || { echo "check_tidy: $db missing (configure with CMAKE_EXPORT_COMPILE_COMMANDS)"; exit 1; }
out=$(mktemp)
one=$(mktemp -d)
trap 'rm -rf "$out" "$one"' EXIT
# One analysis per file: the database's first entry for it, which is the
# library's (or the application's) own target. The same file compiled again
# into a test variant (32 connectors, a profile off, the simulator's 8
# connectors) would be analysed again with those macros: 236 analyses for 81
# files, three times the time (clang-analyzer is 99 % of it) for little.
awk '
    /^\{$/ { entry = $0; next }
    entry != "" { entry = entry "\n" $0 }
    /^  "file": / { file = $0 }
    /^\},?$/ && entry != "" {
        sub(/,$/, "", entry)
        if (!(file in seen)) { seen[file] = 1; keep[n++] = entry }
        entry = ""
    }
    END { print "["; for (i = 0; i < n; i++) print keep[i] (i < n - 1 ? "," : ""); print "]" }
' "$db" >"$one/compile_commands.json"
files=()
for d in $dirs; do
    [ -d "$src/$d" ] || continue
    while IFS= read -r f; do
        # Only files the build compiles (the database has their flags).
        grep -qF "\"file\": \"$f\"" "$db" || continue
        # A file the reduced database lost would be skipped by clang-tidy without a word.
        if ! grep -qF "\"file\": \"$f\"" "$one/compile_commands.json"; then
            echo "check_tidy: $f is in $db but not in the one-entry-per-file copy (its layout changed?)"
            exit 1
        fi
        files+=("$f")
    done < <(find "$src/$d" -name '*.c' | sort)
done
if [ ${#files[@]} -eq 0 ]; then
    echo "check_tidy: no files in: $dirs"
    exit 1
fi
printf '%s\n' "${files[@]}" | xargs -P"${JOBS:-2}" -n4 "$tidy" -p "$one" --quiet >"$out" 2>/dev/null
n=$(grep -cE '^[^ ].*: (warning|error): ' "$out")
if [ "$n" -ne 0 ]; then
    grep -E -A2 '^[^ ].*: (warning|error): ' "$out" | sed "s|$src/||"
    echo "check_tidy: $n finding(s) in ${#files[@]} files ($dirs)"
    grep -oE '^[^ ].*: (warning|error): .*\[[a-z0-9.,-]+\]$' "$out" | sed -E 's/.*\[([^]]+)\]$/\1/' | sort | uniq -c | sort -rn
    exit 1
fi
echo "check_tidy: ${#files[@]} files, 0 findings ($dirs)"
