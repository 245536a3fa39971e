#!/usr/bin/env bash
# Size report: builds bench/size/firmware.c for each cross target
# (cmake/toolchains/<target>.cmake) with -Os --gc-sections, parses the linker
# map and prints flash (.text+.rodata) and RAM (.data+.bss) per library module,
# plus sizeof(ocpp_cp_t) (1 and 2 connectors), ocpp_ws_t, evse_t, the RAM of a
# charge point with its buffers and the worst-case stack of
# ocpp_cp_poll/ocpp_cp_init (scripts/stack.sh); the library total with every
# optional profile compiled out (Core only); the application firmware
# (bench/size/firmware_app.c: library, app/, rest, RAM); and issue #7's
# targets. Also checks that every public function of the library is kept in
# the firmware, and runs the nm gate with the target's nm.
#
# Usage: scripts/size.sh [--write-docs] [--no-build] [--targets "t1 t2"]
#   --write-docs  also write the table to docs/size.md
#   --no-build    use the existing build-cross-<target>/ directories
# Build dirs: <repo>/build-cross-<target> (override the prefix with
# OCPP_CROSS_BUILD_PREFIX). Exit status: non-zero if a target failed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
targets="cortex-m4f cortex-m0plus rv32imc xtensa-lx106"
write_docs=0
build=1
while [ $# -gt 0 ]; do
    case "$1" in
    --write-docs) write_docs=1; shift ;;
    --no-build) build=0; shift ;;
    --targets) targets=$2; shift 2 ;;
    *) echo "usage: $0 [--write-docs] [--no-build] [--targets \"t1 t2\"]" >&2; exit 2 ;;
    esac
done
prefix=${OCPP_CROSS_BUILD_PREFIX:-$root/build-cross-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
ok_targets=""

# Map file -> "module<TAB>flash<TAB>ram" lines (GNU ld map format).
parse_map() {
    awk '
    function module(f,   p, m) {
        if ((p = index(f, "/ocpp.dir/")) > 0) {
            m = substr(f, p + 10)
        } else if (f ~ /\/ocpp-size-core(-trigger)?\.dir\/__\/__\/src\//) {
            m = f # a build of the library with profiles compiled out
            sub(/.*\/ocpp-size-core(-trigger)?\.dir\/__\/__\/src\//, "", m)
        } else {
            m = ""
        }
        if (m != "") {
            if (m !~ /\//) return "src"
            # The 1.6 adapter per file: each profile module is one (src/v16/<module>.c).
            if (m ~ /^v16\//) { sub(/\.c\.(o|obj)$/, "", m); return "src/" m }
            sub(/\/[^\/]*$/, "", m)
            return "src/" m
        }
        if (f ~ /ocpp-size-app\.dir\/__\/__\/app\//) return "app"
        if (f ~ /xtensa-lx106-libgcc/) return "(runtime)"
        if (f ~ /ocpp-size-(fw|fw-core|fw-core-trigger|app)\.dir\//) return "(firmware)"
        if (f ~ /libgcc\.a/) return "(libgcc)"
        if (f ~ /lib(c|c_nano|g|g_nano|nosys|m)\.a/) return "(libc)"
        if (f ~ /crt[^\/]*\.o$/) return "(startup)"
        return "(other)"
    }
    function kind(s) {
        if (s ~ /^\.(text|literal|init|fini|iram|glue_7|glue_7t|vfp11_veneer|v4_bx|iplt)/) return "flash"
        if (s ~ /^\.(rodata|srodata|rdata|ARM\.extab|ARM\.exidx|init_array|fini_array|preinit_array)/) return "flash"
        if (s ~ /^\.(data|sdata|bss|sbss|tdata|tbss)/ || s == "COMMON") return "ram"
        return ""
    }
    function account(sec, size, file,   k, m) {
        k = kind(sec)
        if (k == "" || outsec == "/DISCARD/") return
        m = module(file)
        mods[m] = 1
        if (k == "flash") flash[m] += strtonum_(size)
        else ram[m] += strtonum_(size)
    }
    function strtonum_(h,   i, c, v) {
        v = 0; h = tolower(h); sub(/^0x/, "", h)
        for (i = 1; i <= length(h); i++) { c = index("0123456789abcdef", substr(h, i, 1)) - 1; v = v * 16 + c }
        return v
    }
    /^Linker script and memory map/ { started = 1; next }
    !started { next }
    /^[^ ]/ { outsec = $1; pending = ""; next }
    pending != "" {
        if ($1 ~ /^0x/ && $2 ~ /^0x/ && NF >= 3) account(pending, $2, $3)
        pending = ""
        next
    }
    /^ [^ *]/ || /^ COMMON/ {
        if (NF == 1) { pending = $1; next }
        if (NF >= 4 && $2 ~ /^0x/ && $3 ~ /^0x/) account($1, $3, $4)
    }
    END { for (m in mods) printf "%s\t%d\t%d\n", m, flash[m], ram[m] }
    ' "$1" | sort
}

# Public functions (declared in include/ocpp/*.h; the private layouts,
# *_layout.h, only name internals in their comments) defined in the library
# but absent from the firmware.
not_kept() {
    local nm=$1 lib=$2 elf=$3 w=$4 h headers=()
    for h in "$root"/include/ocpp/*.h; do
        case $h in *_layout.h) ;; *) headers+=("$h") ;; esac
    done
    grep -ohE '\bocpp_[a-z0-9_]+[[:space:]]*\(' "${headers[@]}" | sed 's/[[:space:](]*$//' | sort -u >"$w.public"
    "$nm" "$lib" 2>/dev/null | awk '$2 == "T" { print $3 }' | sort -u >"$w.defined"
    "$nm" "$elf" | awk '$2 ~ /^[Tt]$/ { print $3 }' | sort -u >"$w.kept"
    comm -12 "$w.public" "$w.defined" | comm -23 - "$w.kept"
}

probe_size() { # nm symbol -> size in decimal, or empty
    "$1" -S "$2" 2>/dev/null | awk -v s="$3" '$NF == s && NF >= 4 { print $2 }' | while read -r h; do
        printf '%d\n' "0x$h"
    done
}

# measure TARGET: everything about one target, into $tmp/<target>.* (tsv,
# probe, stack, stack-notes, stack-paths); its messages on stdout; the number
# of its problems in $tmp/<target>.failed, and $tmp/<target>.ok if its table
# column is complete. The targets are independent: measured JOBS at a time.
measure() {
    local t=$1 failed=0
    dir="$prefix$t"
    tc="$root/cmake/toolchains/$t.cmake"
    if [ "$build" -eq 1 ]; then
        if ! cmake -S "$root" -B "$dir" -DCMAKE_TOOLCHAIN_FILE="$tc" -DCMAKE_BUILD_TYPE=MinSizeRel \
            -DOCPP_BUILD_TESTS=OFF -DOCPP_BUILD_PORT_POSIX=OFF -DOCPP_BUILD_SIZE=ON >"$tmp/$t.log" 2>&1 ||
            ! cmake --build "$dir" -j2 >>"$tmp/$t.log" 2>&1; then
            echo "size: $t: build FAILED"
            tail -30 "$tmp/$t.log"
            echo 1 >"$tmp/$t.failed"
            return 0
        fi
    fi
    info="$dir/bench/size/size-info.txt"
    [ -f "$info" ] || { echo "size: $t: $info missing (build first)"; echo 1 >"$tmp/$t.failed"; return 0; }
    map=$(sed -n 's/^map=//p' "$info")
    elf=$(sed -n 's/^elf=//p' "$info")
    lib=$(sed -n 's/^lib=//p' "$info")
    nm=$(sed -n 's/^nm=//p' "$info")
    objdump=$(sed -n 's/^objdump=//p' "$info")
    parse_map "$map" >"$tmp/$t.tsv"

    # The gate on the target's own objects.
    if ! "$root/scripts/check_nm.sh" --nm "$nm" --objdump "$objdump" -q "$lib"; then
        echo "size: $t: nm gate FAILED"
        failed=$((failed + 1))
    fi
    missing=$(not_kept "$nm" "$lib" "$elf" "$tmp/$t")
    if [ -n "$missing" ]; then
        echo "size: $t: public functions not kept in the firmware (extend bench/size/firmware.c):"
        printf '  %s\n' $missing
        failed=$((failed + 1))
    fi

    # sizeof probes (built on demand; "n/a" until the header exists).
    cp_size="n/a" ws_size="n/a" conns=""
    if cmake --build "$dir" --target ocpp-size-probe-cp >"$tmp/$t.probe.log" 2>&1; then
        probe=$(sed -n 's/^probe_cp=//p' "$info")
        cp_size=$(probe_size "$nm" "$probe" ocpp_size_probe_cp)
        conns=$(probe_size "$nm" "$probe" ocpp_size_probe_max_connectors)
    fi
    if cmake --build "$dir" --target ocpp-size-probe-ws >"$tmp/$t.probe.log" 2>&1; then
        probe=$(sed -n 's/^probe_ws=//p' "$info")
        ws_size=$(probe_size "$nm" "$probe" ocpp_size_probe_ws)
    fi
    # One connector (OCPP_CONFIG_MAX_CONNECTORS=1) and the application's context.
    cp1_size="n/a" evse_size="n/a" evse1_size="n/a"
    if cmake --build "$dir" --target ocpp-size-probe-cp1 ocpp-size-probe-app >"$tmp/$t.probe.log" 2>&1; then
        for o in $(sed -n 's/^probe_cp1=//p' "$info" | tr ';' ' '); do
            v=$(probe_size "$nm" "$o" ocpp_size_probe_cp)
            [ -n "$v" ] && cp1_size=$v
            v=$(probe_size "$nm" "$o" ocpp_size_probe_evse)
            [ -n "$v" ] && evse1_size=$v
        done
        evse_size=$(probe_size "$nm" "$(sed -n 's/^probe_app=//p' "$info")" ocpp_size_probe_evse)
    fi
    # And in the core-trigger variant (Core + Remote Trigger).
    cpct_size="n/a"
    if cmake --build "$dir" --target ocpp-size-probe-cp-ct >"$tmp/$t.probe.log" 2>&1; then
        cpct_size=$(probe_size "$nm" "$(sed -n 's/^probe_cp_ct=//p' "$info")" ocpp_size_probe_cp)
    fi
    : "${cp_size:=n/a}" "${ws_size:=n/a}" "${conns:=2}" "${evse_size:=n/a}" "${cpct_size:=n/a}"
    # Core only (every optional profile compiled out) and the application firmware.
    core_flash="n/a" app_lib="n/a" app_app="n/a" app_rest="n/a" app_ram="n/a"
    map_core=$(sed -n 's/^map_core=//p' "$info")
    map_app=$(sed -n 's/^map_app=//p' "$info")
    if [ -f "$map_core" ]; then
        core_flash=$(parse_map "$map_core" | awk -F'\t' '$1 ~ /^src/ { f += $2 } END { print f + 0 }')
    fi
    ct_flash="n/a"
    map_ct=$(sed -n 's/^map_core_trigger=//p' "$info")
    if [ -f "$map_ct" ]; then
        ct_flash=$(parse_map "$map_ct" | awk -F'\t' '$1 ~ /^src/ { f += $2 } END { print f + 0 }')
    fi
    if [ -f "$map_app" ]; then
        read -r app_lib app_app app_rest app_ram < <(parse_map "$map_app" | awk -F'\t' '
            $1 ~ /^src/ { l += $2 } $1 == "app" { a += $2 } $1 !~ /^src/ && $1 != "app" { r += $2 }
            { ram += $3 } END { print l + 0, a + 0, r + 0, ram + 0 }')
    fi
    # A 1.6-only build (OCPP_OCPP201=OFF, the default of the cross builds)
    # links no OCPP 2.0.1 code: no ocpp_v201_* symbol in the library or the
    # firmware.
    v201_syms="n/a"
    if grep -q '^OCPP_OCPP201:BOOL=OFF$' "$dir/CMakeCache.txt" 2>/dev/null; then
        v201_syms=$({ "$nm" "$lib" 2>/dev/null; "$nm" "$elf"; } | grep -c ' ocpp_v201_' || true)
        if [ "$v201_syms" -ne 0 ]; then
            echo "size: $t: OCPP 2.0.1 code in a 1.6-only build (OCPP_OCPP201=OFF):"
            { "$nm" "$lib" 2>/dev/null; "$nm" "$elf"; } | grep ' ocpp_v201_' | sort -u | sed 's/^/  /'
            failed=$((failed + 1))
        fi
    fi
    # Zero heap: no allocator referenced by any library object.
    heap_refs=$("$nm" -u "$lib" 2>/dev/null | grep -cE '^ +U (malloc|calloc|realloc|free|_malloc_r|_free_r)$' || true)
    # Worst-case stack (scripts/stack.sh over the .ci call graphs).
    st_poll="n/a" st_init="n/a" st_deep="n/a"
    ci=$(sed -n 's/^ci_dirs=//p' "$info")
    # shellcheck disable=SC2086
    if [ -z "$ci" ]; then
        echo "size: $t: no call graphs (ci_dirs) for the stack analysis"
        failed=$((failed + 1))
    elif ! "$root/scripts/stack.sh" --tsv $ci >"$tmp/$t.stack" 2>"$tmp/$t.stack.err"; then
        echo "size: $t: stack analysis FAILED (scripts/stack.sh):"
        sed 's/^/  /' "$tmp/$t.stack.err"
        failed=$((failed + 1))
    else
        st_poll=$(awk -F'\t' '$1 == "entry" && $2 == "ocpp_cp_poll" { print $3 " (" $4 ")" }' "$tmp/$t.stack")
        st_init=$(awk -F'\t' '$1 == "entry" && $2 == "ocpp_cp_init" { print $3 " (" $4 ")" }' "$tmp/$t.stack")
        st_deep=$(awk -F'\t' '$1 == "entry" && $2 ~ /^deepest/ { n = $2; sub(/^deepest: /, "", n); print $3 " " n }' "$tmp/$t.stack")
        grep '^note' "$tmp/$t.stack" | cut -f2- >"$tmp/$t.stack-notes" || true
        grep '^entry' "$tmp/$t.stack" | awk -F'\t' -v t="$t" '{ print t ": " $2 ": " $5 }' >"$tmp/$t.stack-paths"
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$cp_size" "$ws_size" "$conns" \
        "${st_poll:-n/a}" "${st_init:-n/a}" "${st_deep:-n/a}" "$cp1_size" "$evse_size" "$evse1_size" \
        "$core_flash" "$app_lib" "$app_app" "$app_rest" "$app_ram" "$heap_refs" "$v201_syms" \
        "$ct_flash" "$cpct_size" >"$tmp/$t.probe"
    : >"$tmp/$t.ok"
    echo "$failed" >"$tmp/$t.failed"
}

jobs_max=${JOBS:-2}
running=0
for t in $targets; do
    measure "$t" >"$tmp/$t.out" 2>&1 &
    running=$((running + 1))
    if [ "$running" -ge "$jobs_max" ]; then
        wait -n || true
        running=$((running - 1))
    fi
done
wait || true
# In the order of the targets, as if measured one after the other: the
# messages, the problems, the stack notes and paths of the first target that
# has them.
for t in $targets; do
    echo "--- size: $t ($prefix$t)"
    cat "$tmp/$t.out"
    if [ ! -f "$tmp/$t.failed" ]; then
        echo "size: $t: the measurement stopped early (an error above)"
        failed=$((failed + 1))
        continue
    fi
    failed=$((failed + $(cat "$tmp/$t.failed")))
    [ -f "$tmp/$t.ok" ] || continue
    ok_targets="$ok_targets $t"
    [ -f "$tmp/stack-notes" ] || [ ! -s "$tmp/$t.stack-notes" ] || cp "$tmp/$t.stack-notes" "$tmp/stack-notes"
    [ -f "$tmp/stack-paths" ] || [ ! -s "$tmp/$t.stack-paths" ] || cp "$tmp/$t.stack-paths" "$tmp/stack-paths"
done

# Table: modules as rows, targets as columns ("flash / RAM").
render() { # $1 = text | md
    local fmt=$1 t
    awk -F'\t' -v fmt="$fmt" -v targets="$ok_targets" -v dir="$tmp" '
    function mdrow(label, A, em,   i, l) {
        l = "| " label " |"
        for (i = 1; i <= nt; i++) l = l " " em A[T[i]] em " |"
        print l
    }
    function txtrow(label, A,   i) {
        printf "%-22s", label
        for (i = 1; i <= nt; i++) printf " %17s", A[T[i]]
        printf "\n"
    }
    BEGIN {
        nt = split(targets, T, " ")
        for (i = 1; i <= nt; i++) {
            f = dir "/" T[i] ".tsv"
            while ((getline line < f) > 0) {
                split(line, a, "\t"); m = a[1]
                if (!(m in seen)) { seen[m] = 1; order[++nm] = m }
                fl[T[i], m] = a[2]; ra[T[i], m] = a[3]
                if (m ~ /^src/) { tf[T[i]] += a[2]; tr[T[i]] += a[3] }
                else { of[T[i]] += a[2]; or_[T[i]] += a[3] }
            }
            close(f)
            f = dir "/" T[i] ".probe"
            if ((getline line < f) > 0) {
                split(line, a, "\t"); cps[T[i]] = a[1]; wss[T[i]] = a[2]; nc[T[i]] = a[3]; sp[T[i]] = a[4]; si[T[i]] = a[5]; sd[T[i]] = a[6]
                cp1[T[i]] = a[7]; ev2[T[i]] = a[8]; ev1[T[i]] = a[9]; core[T[i]] = a[10]
                alib[T[i]] = a[11]; aapp[T[i]] = a[12]; arest[T[i]] = a[13]; aram[T[i]] = a[14]; heap[T[i]] = a[15]
                v201[T[i]] = a[16]; ctr[T[i]] = a[17]; cpct[T[i]] = a[18]
                # RAM of a charge point: library .data+.bss, its contexts, the 4 KiB
                # receive (WebSocket) and 2 KiB send buffers.
                ram2[T[i]] = (a[1] ~ /^[0-9]+$/ && a[2] ~ /^[0-9]+$/) ? a[1] + a[2] + 6144 : "n/a"
                ram1[T[i]] = (a[7] ~ /^[0-9]+$/ && a[2] ~ /^[0-9]+$/) ? a[7] + a[2] + 6144 : "n/a"
                ramct[T[i]] = (a[18] ~ /^[0-9]+$/ && a[2] ~ /^[0-9]+$/) ? a[18] + a[2] + 6144 : "n/a"
            }
            close(f)
        }
        # library modules first (sorted by the shell), then the rest
        n = 0
        for (i = 1; i <= nm; i++) if (order[i] ~ /^src/) rows[++n] = order[i]
        nlib = n
        if (fmt == "md") {
            h = "| module |"; s = "|---|"
            for (i = 1; i <= nt; i++) { h = h " " T[i] " flash | RAM |"; s = s "---:|---:|" }
            print h; print s
            for (r = 1; r <= nlib; r++) {
                l = "| `" rows[r] "` |"
                for (i = 1; i <= nt; i++) l = l " " (fl[T[i], rows[r]] + 0) " | " (ra[T[i], rows[r]] + 0) " |"
                print l
            }
            l = "| **library total** |"
            for (i = 1; i <= nt; i++) l = l " **" (tf[T[i]] + 0) "** | **" (tr[T[i]] + 0) "** |"
            print l
            l = "| (libc, libgcc, startup, firmware; not counted) |"
            for (i = 1; i <= nt; i++) l = l " " (of[T[i]] + 0) " | " (or_[T[i]] + 0) " |"
            print l
            print ""
            l = "| context (caller-owned RAM) |"
            s = "|---|"
            for (i = 1; i <= nt; i++) { l = l " " T[i] " |"; s = s "---:|" }
            print l; print s
            mdrow("`sizeof(ocpp_cp_t)`, 1 connector", cp1)
            mdrow("`sizeof(ocpp_cp_t)`, " nc[T[1]] " connectors", cps)
            mdrow("`sizeof(ocpp_ws_t)`", wss)
            mdrow("`sizeof(evse_t)` (application), 1 connector", ev1)
            mdrow("`sizeof(evse_t)` (application), " nc[T[1]] " connectors", ev2)
            mdrow("**RAM of a charge point, 1 connector** (0 + `ocpp_cp_t` + `ocpp_ws_t` + 4096 + 2048)", ram1, "**")
            mdrow("**RAM of a charge point, " nc[T[1]] " connectors** (the same)", ram2, "**")
            mdrow("`sizeof(ocpp_cp_t)`, " nc[T[1]] " connectors, Core + Remote Trigger", cpct)
            mdrow("RAM of a charge point, " nc[T[1]] " connectors, Core + Remote Trigger", ramct)
            print ""
            l = "| build (flash, bytes) |"; s = "|---|"
            for (i = 1; i <= nt; i++) { l = l " " T[i] " |"; s = s "---:|" }
            print l; print s
            l = "| library, every 1.6 profile compiled in (the table above) |"
            for (i = 1; i <= nt; i++) l = l " " (tf[T[i]] + 0) " |"
            print l
            mdrow("library, Core + Remote Trigger (Firmware, Local List, Reservation, Smart Charging compiled out)", ctr)
            mdrow("library, Core only (`OCPP_CONFIG_PROFILE_*=0`)", core)
            mdrow("application firmware: library", alib)
            mdrow("application firmware: EVSE application (`app/`)", aapp)
            mdrow("application firmware: the rest (libc, startup, board, loopback CSMS)", arest)
            mdrow("application firmware: RAM (`.data` + `.bss`, all of it: contexts, buffers, libc)", aram)
            mdrow("`ocpp_v201_*` symbols in the library and firmware (OCPP 2.0.1 compiled out, `OCPP_OCPP201=OFF`)", v201)
            print ""
            l = "| worst-case stack, bytes (direct calls only) |"; s = "|---|"
            for (i = 1; i <= nt; i++) { l = l " " T[i] " |"; s = s "---:|" }
            print l; print s
            l = "| `ocpp_cp_poll` |"; for (i = 1; i <= nt; i++) l = l " " sp[T[i]] " |"; print l
            l = "| `ocpp_cp_init` |"; for (i = 1; i <= nt; i++) l = l " " si[T[i]] " |"; print l
            l = "| deepest public function |"; for (i = 1; i <= nt; i++) l = l " " sd[T[i]] " |"; print l
        } else {
            printf "%-22s", "bytes: flash / RAM"
            for (i = 1; i <= nt; i++) printf " %17s", T[i]
            printf "\n"
            for (r = 1; r <= nlib; r++) {
                printf "%-22s", rows[r]
                for (i = 1; i <= nt; i++) printf " %17s", (fl[T[i], rows[r]] + 0) " / " (ra[T[i], rows[r]] + 0)
                printf "\n"
            }
            printf "%-22s", "library total"
            for (i = 1; i <= nt; i++) printf " %17s", (tf[T[i]] + 0) " / " (tr[T[i]] + 0)
            printf "\n"
            printf "%-22s", "(libc+rt+fw, excl.)"
            for (i = 1; i <= nt; i++) printf " %17s", (of[T[i]] + 0) " / " (or_[T[i]] + 0)
            printf "\n"
            txtrow("sizeof ocpp_cp_t, " nc[T[1]] " cn", cps)
            txtrow("sizeof ocpp_cp_t, 1 cn", cp1)
            txtrow("sizeof ocpp_ws_t", wss)
            txtrow("sizeof evse_t, " nc[T[1]] " cn", ev2)
            txtrow("RAM of a CP, " nc[T[1]] " cn", ram2)
            txtrow("RAM of a CP, 1 cn", ram1)
            txtrow("sizeof cp_t, " nc[T[1]] " cn, C+T", cpct)
            txtrow("RAM of a CP, " nc[T[1]] " cn, C+T", ramct)
            txtrow("library, Core+Trigger", ctr)
            txtrow("library, Core only", core)
            printf "%-22s", "app fw: lib/app/rest"
            for (i = 1; i <= nt; i++) printf " %17s", alib[T[i]] "/" aapp[T[i]] "/" arest[T[i]]
            printf "\n"
            txtrow("app fw: RAM", aram)
            txtrow("ocpp_v201_* symbols", v201)
            txtrow("stack cp_poll (direct)", sp)
            txtrow("stack cp_init (direct)", si)
        }
    }' /dev/null
}

# Issue #7's targets, on the first target built (Cortex-M4F by default).
targets_report() { # $1 = text | md
    local t first=${ok_targets# }
    first=${first%% *}
    t=$first
    awk -F'\t' -v fmt="$1" -v t="$t" -v tsv="$tmp/$t.tsv" '
    BEGIN {
        while ((getline line < tsv) > 0) { split(line, a, "\t"); if (a[1] ~ /^src/) { fl += a[2]; ram += a[3] } }
    }
    {
        cp2 = $1; ws = $2; poll = $4; sub(/ .*/, "", poll); heap = $15
        ram2 = (cp2 ~ /^[0-9]+$/ && ws ~ /^[0-9]+$/) ? ram + cp2 + ws + 6144 : "n/a"
        n = 0
        row[++n] = "library flash, every 1.6 profile|<= 40 KiB (40960)|" fl "|" (fl <= 40960 ? "met" : "NOT met (+" fl - 40960 ")")
        row[++n] = "RAM of a 2-connector charge point, 4 KiB receive + 2 KiB send buffers included|<= 8 KiB (8192)|" ram2 "|" (ram2 != "n/a" && ram2 <= 8192 ? "met" : "NOT met (+" ram2 - 8192 ")")
        row[++n] = "heap|0|" (heap == 0 ? "0 (no allocator referenced)" : heap " allocator references") "|" (heap == 0 ? "met" : "NOT met")
        row[++n] = "worst-case stack (ocpp_cp_poll, library code)|<= 2 KiB (2048)|" poll "|" (poll ~ /^[0-9]+$/ && poll + 0 <= 2048 ? "met" : "NOT met")
        if (fmt == "md") {
            print "| target (" t ", -Os) | required | measured, bytes | |"
            print "|---|---:|---:|---|"
            for (i = 1; i <= n; i++) { split(row[i], c, "|"); print "| " c[1] " | " c[2] " | " c[3] " | " c[4] " |" }
        } else {
            for (i = 1; i <= n; i++) { split(row[i], c, "|"); printf "target %-40.40s %-18s %8s  %s\n", c[1], c[2], c[3], c[4] }
        }
    }' "$tmp/$t.probe"
}

# Issue 13's "nothing regresses" on the first target: the Core + Remote
# Trigger build (the profiles of the base) against base e701810, measured at
# e701810 on Cortex-M4F: as it was built (default options: its library had
# Core + Remote Trigger, plus the configuration keys of Local List,
# Reservation and Smart Charging) and with the core-trigger variant's options
# (those keys compiled out too: the same option set as "now").
issue13_report() {
    local first=${ok_targets# }
    first=${first%% *}
    [ "$first" = cortex-m4f ] || return 0
    awk -F'\t' '
    function row(label, base0, base, now, limit, verdict,   d) {
        if (now !~ /^[0-9]+$/) { printf("| %s | %d | %d | n/a | | +%d %% |\n", label, base0, base, limit); return }
        d = (now - base) * 100 / base
        if (verdict == "") verdict = (d <= limit ? "met" : "**not met**")
        printf("| %s | %d | %d | %d | %s%.1f %% | +%d %%: %s |\n", label, base0, base, now, (d >= 0 ? "+" : "-"),
            (d >= 0 ? d : -d), limit, verdict)
    }
    {
        print "## Issue 13: Core + Remote Trigger against base e701810 (cortex-m4f)"
        print ""
        print "Base: e701810, the library when issue 13 was filed (Core and Remote Trigger; the configuration"
        print "keys of Local List, Reservation and Smart Charging were compiled in by default, their messages"
        print "were not), built by its own `scripts/size.sh` as it was (default options) and with the options"
        print "of the core-trigger variant (`OCPP_PROFILE_{FIRMWARE,LOCAL_AUTH,RESERVATION,SMART_CHARGING}=OFF`),"
        print "which is what \"now\" is built with. The change is against the latter. Issue 13 asks for at most"
        print "+1 % flash and +5 % RAM."
        print ""
        print "| figure | base, as built | base, core-trigger options | now | change | limit |"
        print "|---|---:|---:|---:|---:|---|"
        # The +1 % is the restructure'"'"'s; this total also holds the features landed since
        # the base, so the verdict is in the per-commit split below (bench/size/issue13.md).
        row("library flash, Core + Remote Trigger, with the features landed since", 44567, 44205, $17, 1,
            "of the restructure alone, see the split below")
        row("`sizeof(ocpp_cp_t)`, 2 connectors", 2848, 2832, $18, 5)
        row("RAM of a charge point, 2 connectors (+ `ocpp_ws_t` + 4096 + 2048)", 9280, 9264, ($18 ~ /^[0-9]+$/ && $2 ~ /^[0-9]+$/) ? $18 + $2 + 6144 : "n/a", 5)
    }' "$tmp/$first.probe"
}

if [ -n "$ok_targets" ]; then
    echo
    echo "Size of the ocpp-c library per module (bench/size/firmware.c, -Os, --gc-sections):"
    render text
    targets_report text
    if [ -f "$tmp/stack-notes" ]; then
        echo "stack: bytes with indirect calls bounded (direct calls only); scripts/stack.sh for the paths"
        sed 's/^/stack note: /' "$tmp/stack-notes"
    fi
    if [ "$write_docs" -eq 1 ]; then
        {
            echo "# Code size"
            echo
            echo "Generated by \`make size\` (\`scripts/size.sh --write-docs\`); do not edit by hand."
            echo
            echo "What a firmware that calls every public function of the library pays, in bytes,"
            echo "per module: flash is \`.text\` + \`.rodata\`, RAM is \`.data\` + \`.bss\` (always 0: the"
            echo "library has no globals; the caller owns all memory, see the context sizes below)."
            echo "Built with \`-Os -ffunction-sections -fdata-sections\` and linked with"
            echo "\`--gc-sections\` (gcc 12.2, newlib-nano on Arm, picolibc on RISC-V and Xtensa)."
            echo "Library commit: \`$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)\`."
            echo
            render md
            echo
            echo "## Targets (issue #7)"
            echo
            targets_report md
            echo
            cat "$root/bench/size/targets.md"
            echo
            issue13_report
            if [ -f "$root/bench/size/issue13.md" ]; then
                echo
                cat "$root/bench/size/issue13.md"
            fi
            if [ -f "$tmp/stack-notes" ]; then
                echo
                echo "Stack: computed by \`scripts/stack.sh\` from gcc's \`-fstack-usage -fcallgraph-info=su\`"
                echo "call graphs of the size firmware. The first number follows the indirect calls through"
                echo "the library's own tables (the session's protocol hooks, the session's and the station's"
                echo "events to the facade, the hooks of the OCPP 1.6 modules, the CALL handlers, the message"
                echo "builders): each call site costs the deepest of the functions that the source puts in"
                echo "that table and field (an upper bound for the library's own code); the number in"
                echo "parentheses follows direct calls only. Port and application callbacks count 0: add the"
                echo "stack of your deepest one and of the interrupt handlers. Notes of the analysis (first"
                echo "target):"
                echo
                sed 's/^/- /' "$tmp/stack-notes"
                echo
                echo "Worst paths:"
                echo
                sed 's/^/- /' "$tmp/stack-paths"
            fi
        } >"$tmp/size.md"
        mkdir -p "$root/docs"
        mv "$tmp/size.md" "$root/docs/size.md"
        echo "size: wrote docs/size.md"
    fi
fi
if [ "$failed" -ne 0 ]; then
    echo "size: $failed problem(s)"
    exit 1
fi
