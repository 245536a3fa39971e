#!/usr/bin/env bash
# Quality gate for the core library objects (binutils only):
#  1. no object references the heap (malloc, calloc, realloc, free, strdup, ...);
#  2. every defined external symbol starts with ocpp_ or OCPP_;
#  3. no writable data: no symbol and no non-empty section in .data/.bss (and
#     the small-data, TLS and common variants). Mutable statics count too;
#     `static const` tables (.rodata, .data.rel.ro) are fine.
#
# Usage: check_nm.sh [--nm NM] [--objdump OBJDUMP] [-q] FILE.a|FILE.o...
# Exit: 0 clean, 1 violations found, 2 usage/tool error.
set -euo pipefail

NM=nm
OBJDUMP=objdump
QUIET=0
while [ $# -gt 0 ]; do
    case "$1" in
    --nm) NM=$2; shift 2 ;;
    --objdump) OBJDUMP=$2; shift 2 ;;
    -q) QUIET=1; shift ;;
    --) shift; break ;;
    -*) echo "check_nm: unknown option $1" >&2; exit 2 ;;
    *) break ;;
    esac
done
if [ $# -eq 0 ]; then
    echo "usage: check_nm.sh [--nm NM] [--objdump OBJDUMP] [-q] FILE.a|FILE.o..." >&2
    exit 2
fi

# Heap functions (libc, newlib reentrant variants, glibc internals) and libc
# functions that return heap memory.
HEAP='malloc|calloc|realloc|reallocarray|free|cfree|aligned_alloc|posix_memalign|memalign|valloc|pvalloc|strdup|strndup|wcsdup|asprintf|vasprintf|getline|getdelim|open_memstream|open_wmemstream|tempnam|_malloc_r|_calloc_r|_realloc_r|_free_r|_memalign_r|__libc_malloc|__libc_calloc|__libc_realloc|__libc_free|__strdup|__strndup'
# Compiler-generated externals that are not ours (hidden, comdat).
ALLOWED_EXTERN='^(ocpp_|OCPP_|__x86\.get_pc_thunk\.)'

fail=0
report() {
    echo "check_nm: $*"
    fail=$((fail + 1))
}

for f in "$@"; do
    if [ ! -r "$f" ]; then
        echo "check_nm: cannot read $f" >&2
        exit 2
    fi
    # 1 + 2: POSIX nm output, "file[member]: name type [value size]".
    nm_out=$("$NM" -A -P "$f" 2>/dev/null) || { echo "check_nm: $NM failed on $f" >&2; exit 2; }
    while IFS= read -r line; do
        [ -n "$line" ] && report "$line"
    done < <(printf '%s\n' "$nm_out" | awk -v heap="^($HEAP)\$" -v allowed="$ALLOWED_EXTERN" '
        NF >= 3 {
            obj = $1; sub(/:$/, "", obj); name = $2; type = $3
            if (type == "U" || type == "w" || type == "v") {
                if (name ~ heap) print obj ": uses the heap: " name
            } else if (type ~ /^[A-Z]$/ || type == "u") {
                if (name !~ allowed) print obj ": external symbol without ocpp_/OCPP_ prefix: " name " (" type ")"
            }
        }')

    # 3: writable sections with a non-zero size, named with their symbols. (By
    # section, not by nm type: nm reports const pointer tables in .data.rel.ro
    # as "d"/"D" under PIC.)
    # objdump -h: "  Idx Name Size VMA ..."; objdump -t: "addr flags section\tsize name".
    hdr=$("$OBJDUMP" -h "$f" 2>/dev/null) || { echo "check_nm: $OBJDUMP failed on $f" >&2; exit 2; }
    syms=$("$OBJDUMP" -t "$f" 2>/dev/null) || { echo "check_nm: $OBJDUMP failed on $f" >&2; exit 2; }
    while IFS= read -r line; do
        [ -n "$line" ] && report "$line"
    done < <({ printf '%s\n' "$syms" | sed 's/^/T /'; printf '%s\n' "$hdr" | sed 's/^/H /'; } | awk -v file="$f" '
        function writable(s) {
            if (s ~ /^\.data\.rel\.ro/) return 0
            return s ~ /^\.(data|bss|sdata|sbss|sdata2|sbss2|tdata|tbss|ldata|lbss)(\.|$)/ || s == "COMMON"
        }
        { tag = substr($0, 1, 1); line = substr($0, 3) }
        line ~ /^[^ \t]+: +file format / {
            m = substr(line, 1, index(line, ":") - 1)
            obj = (m == file) ? file : file "[" m "]"
            next
        }
        tag == "T" && index(line, "\t") > 0 {
            left = substr(line, 1, index(line, "\t") - 1); right = substr(line, index(line, "\t") + 1)
            n = split(left, l, " "); sec = l[n]
            m = split(right, r, " "); name = r[m]
            if (sec == "*COM*") print obj ": common (writable) symbol: " name
            else if (writable(sec)) names[obj SUBSEP sec] = names[obj SUBSEP sec] " " name
            next
        }
        tag == "H" {
            n = split(line, h, " ")
            if (n >= 3 && h[1] ~ /^[0-9]+$/ && writable(h[2]) && h[3] !~ /^0+$/) bad[obj SUBSEP h[2]] = h[3]
        }
        END {
            for (k in bad) {
                split(k, p, SUBSEP)
                print p[1] ": writable section " p[2] " (0x" bad[k] " bytes):" names[k]
            }
        }')
done

if [ "$fail" -ne 0 ]; then
    echo "check_nm: FAILED, $fail violation(s) in $*"
    exit 1
fi
[ "$QUIET" -eq 1 ] || echo "check_nm: OK ($*)"
exit 0
