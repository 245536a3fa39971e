#!/usr/bin/env bash
# Quality gate: cppcheck finds nothing in src/ and ports/.
# Suppressions: inline (`// cppcheck-suppress id` with a reason) or, with a
# reason each, in tests/checks/cppcheck-suppressions.txt.
# Usage: check_cppcheck.sh [SOURCE_ROOT]   (env CPPCHECK overrides the binary)
set -euo pipefail
root=$(cd "${1:-$(dirname "$0")/..}" && pwd)
cd "$root"
CPPCHECK=${CPPCHECK:-cppcheck}
command -v "$CPPCHECK" >/dev/null || { echo "check_cppcheck: $CPPCHECK not installed" >&2; exit 2; }

dirs=()
for d in src ports; do
    [ -d "$d" ] && dirs+=("$d")
done
incs=(-I include -I src)
for d in ports/*/include; do
    [ -d "$d" ] && incs+=(-I "$d")
done

# -UOCPP_CONFIG_FILE: check the default configuration, not the one with a user
# config header (which does not exist here).
"$CPPCHECK" --std=c11 --quiet --error-exitcode=1 --inline-suppr \
    --enable=warning,style,performance,portability \
    --suppressions-list=tests/checks/cppcheck-suppressions.txt \
    -UOCPP_CONFIG_FILE -D__GNUC__ "${incs[@]}" "${dirs[@]}"
echo "check_cppcheck: OK (${dirs[*]})"
