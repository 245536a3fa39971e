#!/usr/bin/env bash
# Flash of the Core + Remote Trigger library (Cortex-M4F, -Os, --gc-sections,
# bench/size/firmware.c) at a base commit and at every first-parent commit
# since then that changed src/ or include/: where the bytes came from
# (docs/size.md, issue 13). Not part of `make test`; about 10-60 s a commit.
# Usage: bench/size/history.sh [BASE [HEAD]]   (default: e701810 HEAD)
# Output: commit<TAB>library bytes (or FAIL)<TAB>subject, one line a commit.
# Work dirs: $TMPDIR/ocpp-size-history{,-build} (a checkout outside the
# repository's worktrees, updated file by file so that builds are incremental).
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
base=${1:-e701810}
head=${2:-HEAD}
w=${TMPDIR:-/tmp}/ocpp-size-history
b=$w-build
export GIT_INDEX_FILE=$w.index
rm -rf "$w" "$b" "$GIT_INDEX_FILE"
mkdir -p "$w"
prev=""
for c in $(git -C "$repo" rev-parse --short "$base") \
    $(git -C "$repo" log --first-parent --reverse --format=%h "$base..$head" -- src include); do
    if [ -z "$prev" ]; then
        git -C "$repo" --work-tree="$w" read-tree -u --reset "$c"
    else
        git -C "$repo" --work-tree="$w" read-tree -m -u "$prev" "$c"
    fi
    prev=$c
    tot=FAIL
    if cmake -S "$w" -B "$b" -DCMAKE_TOOLCHAIN_FILE="$w/cmake/toolchains/cortex-m4f.cmake" \
        -DCMAKE_BUILD_TYPE=MinSizeRel -DOCPP_BUILD_TESTS=OFF -DOCPP_BUILD_PORT_POSIX=OFF \
        -DOCPP_BUILD_SIZE=ON -DOCPP_BUILD_APPS=OFF -DOCPP_OCPP201=OFF -DOCPP_PROFILE_FIRMWARE=OFF \
        -DOCPP_PROFILE_LOCAL_AUTH=OFF -DOCPP_PROFILE_RESERVATION=OFF \
        -DOCPP_PROFILE_SMART_CHARGING=OFF >"$b.log" 2>&1 &&
        cmake --build "$b" -j2 --target ocpp-size-fw >>"$b.log" 2>&1; then
        # .text* and .rodata* input sections of the library's objects (ocpp.dir).
        tot=$(awk '
            function hex(h,   i, v) {
                v = 0; h = tolower(substr(h, 3))
                for (i = 1; i <= length(h); i++) v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
                return v
            }
            /^Linker script and memory map/ { on = 1 }
            !on { next }
            /^ \.(text|rodata)[^ ]*$/ { pend = 1; next }
            pend && /^ +0x[0-9a-f]+ +0x[0-9a-f]+ / { if ($3 ~ /\/ocpp\.dir\//) s += hex($2); pend = 0; next }
            /^ \.(text|rodata)[^ ]* +0x[0-9a-f]+ +0x[0-9a-f]+ / { if ($4 ~ /\/ocpp\.dir\//) s += hex($3) }
            { pend = 0 }
            END { print s + 0 }' "$b/bench/size/ocpp-size-fw.map")
    fi
    printf '%s\t%s\t%s\n' "$c" "$tot" "$(git -C "$repo" log -1 --format=%s "$c" | cut -c1-100)"
done
