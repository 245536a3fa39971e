#!/usr/bin/env bash
# Quality gate: every C source and header is formatted per .clang-format.
# Usage: check_format.sh [SOURCE_ROOT] [--fix]   (env CLANG_FORMAT overrides)
set -euo pipefail
root=$(cd "${1:-$(dirname "$0")/..}" && pwd)
cd "$root"
CLANG_FORMAT=${CLANG_FORMAT:-clang-format}
command -v "$CLANG_FORMAT" >/dev/null || { echo "check_format: $CLANG_FORMAT not installed" >&2; exit 2; }

dirs=()
for d in include src ports app boards apps examples tests/unit tests/fuzz; do
    [ -d "$d" ] && dirs+=("$d")
done
files=()
if [ ${#dirs[@]} -gt 0 ]; then
    while IFS= read -r -d '' f; do
        files+=("$f")
    done < <(find "${dirs[@]}" -type f \( -name '*.c' -o -name '*.h' \) -print0 | sort -z)
fi
if [ ${#files[@]} -eq 0 ]; then
    echo "check_format: no files"
    exit 0
fi
if [ "${2:-}" = "--fix" ]; then
    "$CLANG_FORMAT" -i "${files[@]}"
    echo "check_format: formatted ${#files[@]} files"
    exit 0
fi
# One clang-format per batch of files (a process per file cost ~15 s of CPU);
# a file needs formatting if clang-format names it in a violation, or if its
# batch failed without naming one (then each file of that batch is checked alone).
bad=()
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for ((i = 0; i < ${#files[@]}; i += 64)); do
    batch=("${files[@]:i:64}")
    if "$CLANG_FORMAT" --dry-run --Werror "${batch[@]}" >"$out" 2>&1; then
        continue
    fi
    n_bad=${#bad[@]}
    named=$(sed -nE 's/^(.*):[0-9]+:[0-9]+: (warning|error): .*/\1/p' "$out" | sort -u)
    for f in "${batch[@]}"; do
        if grep -qxF -- "$f" <<<"$named"; then
            bad+=("$f")
        fi
    done
    if [ ${#bad[@]} -eq "$n_bad" ]; then
        for f in "${batch[@]}"; do
            if ! "$CLANG_FORMAT" --dry-run --Werror "$f" >/dev/null 2>&1; then
                bad+=("$f")
            fi
        done
        if [ ${#bad[@]} -eq "$n_bad" ]; then
            echo "check_format: $CLANG_FORMAT failed on a batch of files:"
            head -20 "$out" | sed 's/^/  /'
            exit 1
        fi
    fi
done
if [ ${#bad[@]} -ne 0 ]; then
    echo "check_format: ${#bad[@]} of ${#files[@]} files need clang-format -i:"
    printf '  %s\n' "${bad[@]}"
    echo "  (first differences of ${bad[0]}:)"
    "$CLANG_FORMAT" --dry-run "${bad[0]}" 2>&1 | head -20 | sed 's/^/  /'
    exit 1
fi
echo "check_format: OK (${#files[@]} files)"
