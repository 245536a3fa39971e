#!/usr/bin/env bash
# Worst-case stack depth of the library's public entry points, from gcc's
# -fcallgraph-info=su call graphs (.ci files: every function's frame size and
# its direct calls), as built by bench/size (scripts/size.sh prints it).
#
# Usage: scripts/stack.sh [--tsv] <dir-with-.ci-files>...
# Prints ocpp_cp_poll, ocpp_cp_init and the deepest public function (ocpp_*)
# with the worst path, then what the analysis could not follow.
#
# Indirect calls (function pointers). gcc marks each one with the place of
# the call in the source (file:line:column, also where a static function was
# inlined); the script reads the called expression there and sorts every call
# site into one of two kinds:
#   - through the library's own tables (the `hooks` list below): the session's
#     protocol hooks (ocpp_session_proto_t, called by src/session), the
#     session's and the station's events to the facade (notify, emit), the
#     hooks of the OCPP 1.6 modules (ocpp_v16_profile_t, called by the host
#     src/v16/v16.c and by TriggerMessage), the CALL handlers
#     (ocpp_rpc_handler_fn, called by src/rpc/rpc_dispatch.c), the queued-
#     message builders (build_fn, src/v16/tx.c), the outbox classifier
#     (src/store) and the JSON writer's flush sink (ocpp_jw_t.flush: the
#     session's, which streams a message larger than the send buffer). The targets of each are read from the source: the
#     functions named for that field in the initializers of its type
#     (`.send_due = core_send_due`), the entries of the handler tables, the
#     functions passed to the call that takes the pointer. A call site costs
#     the deepest of its targets, followed with their own indirect calls (a
#     cycle is reported as recursion);
#   - through the ports and the application callbacks (`external` below):
#     their code is the firmware's, not in the library's graph, and counted
#     as 0 here: add the deepest of your callbacks (and what it calls) to
#     the figure.
# A call site that matches neither list, or a function-pointer member or
# typedef in src/ (or in the private layouts) that the script does not know,
# makes it fail: add it to the lists, so that a new table cannot be missed.
# Calls to functions without a frame in the graph (libc: memcpy, strlen, ...)
# are counted as 0 bytes (leaf routines of a few words on these targets);
# dynamic frames (alloca/VLA) are reported.
# --tsv: machine-readable lines "entry<TAB>name<TAB>bytes<TAB>direct-only bytes<TAB>path" and
#        "note<TAB>text".
set -euo pipefail
tsv=0
if [ "${1:-}" = --tsv ]; then
    tsv=1
    shift
fi
[ $# -gt 0 ] || { echo "usage: $0 [--tsv] <dir>..." >&2; exit 2; }
files=$(find "$@" -name '*.ci' 2>/dev/null | sort)
[ -n "$files" ] || { echo "stack: no .ci files in $* (build with -fcallgraph-info=su, gcc >= 12)" >&2; exit 1; }
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The library's tables (fields separated by ';'): id, the folder of the
# calling code, the called expression (extended regex; group 2, if any, is the field), where the
# targets come from:
#   init:<type>[.<field>]  `.field = fn` in initializers of <type> (field: the
#                          call's own if not given);
#   table:<type>,...       the last member of each entry of tables of <type>;
#   args:<function>        functions passed as arguments to calls of <function>;
#   sig:<regex>            functions defined with that signature (group 1: the
#                          name): all that a pointer of that type can hold.
hooks='session_proto;src/session/;(->proto->)([a-z_]+);init:ocpp_session_proto_t
session_notify;src/session/;->notify;init:ocpp_session_init_t.notify
station_adapter;src/station/;->adapter;init:ocpp_station_init_t.adapter
station_list;src/station/;->list_find;args:ocpp_station_set_list
v16_module;src/v16/;(^p|->profiles\[[^]]*\]|k_modules\[[^]]*\])->([a-z_]+);init:ocpp_v16_profile_t
rpc_handler;src/rpc/;^fn;table:ocpp_rpc_handler_entry_t,ocpp_rpc_named_handler_t
v16_builder;src/v16/;^build;sig:void ([a-z0-9_]+)\(ocpp_v16_t \*[a-z]+, ocpp_jw_t \*[a-z]+, const build_arg_t \*[a-z]+\)
outbox_classify;src/store/;^classify;args:ocpp_txs_load
jw_flush;src/json/;->flush;sig:bool ([a-z0-9_]+)\(ocpp_jw_t \*[a-z]+\)'
# Ports and application callbacks (include/ocpp/ocpp_port.h, ocpp_cp.h,
# ocpp_config.h), counted as 0.
external='(^|->|\.)cb(->|\.)[a-z_]+$
->msg->[a-z_]+$
(->|\.)net->[a-z_]+$
->storage->[a-z_]+$
->transfer->[a-z_]+$
^st->(read|write)$
(->|\.)random$
->read_meter$
^lg->fn$
vendor->(get|set)$'
# Function-pointer members and typedefs of src/ and of the private layouts,
# and whether the lists above know them.
known_fp=" answer send_due idle on_result on_failed next_due on_conn notify adapter on_event tick trigger send_idle tick_due \
ocpp_rpc_handler_fn build_fn classify read_meter flush init list_find tx_profile set_limit "

fp=$(cat "$root"/src/*/*.[ch] "$root"/include/ocpp/ocpp_cp_layout.h "$root"/include/ocpp/ocpp_v201_layout.h 2>/dev/null |
    grep -oE '\(\*[[:space:]]*[A-Za-z0-9_]+\)[[:space:]]*\(' | sed -E 's/\(\*[[:space:]]*([A-Za-z0-9_]+)\).*/\1/' | sort -u)
for t in $fp; do
    case "$known_fp" in
    *" $t "*) ;;
    *) echo "stack: src/ declares the function pointer $t, unknown to scripts/stack.sh: add it to hooks (a library table) or external (a port or callback)" >&2; exit 1 ;;
    esac
done

# shellcheck disable=SC2086
cat $files >"$tmp/all.ci"

# Indirect call sites: caller<TAB>kind (hook id.field, or "ext").
grep 'targetname: "__indirect_call"' "$tmp/all.ci" |
    sed -E 's/.*sourcename: "([^"]*)".*targetname: "__indirect_call"( label: "([^"]*)")?.*/\1\t\3/' | sort -u |
    while IFS=$'\t' read -r caller loc; do
        if [ -z "$loc" ]; then
            echo "stack: indirect call in $caller without a source location" >&2
            echo "!bad"
            continue
        fi
        col=${loc##*:}
        rest=${loc%:*}
        line=${rest##*:}
        file=${rest%:*}
        # The call expressions from that column on (the first is the called
        # one, unless gcc marked an enclosing call): the first one either
        # list knows.
        kind=""
        exprs=$(sed -n "${line}p" "$file" 2>/dev/null | cut -c"$col"- |
            grep -oE '[A-Za-z_][A-Za-z0-9_]*((->|\.)[A-Za-z_][A-Za-z0-9_]*|\[[^]]*\])*[[:space:]]*\(' |
            sed -E 's/[[:space:]]*\($//' || true)
        for expr in $exprs; do
            while IFS=';' read -r id dir re _; do
                if [[ $file == *"/$dir"* ]] && [[ $expr =~ ($re)$ ]]; then
                    field=${BASH_REMATCH[3]:-}
                    kind="$id${field:+.$field}"
                    break
                fi
            done <<<"$hooks"
            if [ -z "$kind" ]; then
                while read -r re; do
                    if [[ $expr =~ $re ]]; then
                        kind=ext
                        break
                    fi
                done <<<"$external"
            fi
            [ -n "$kind" ] && break
        done
        if [ -z "$kind" ]; then
            echo "stack: unknown indirect call at ${file#"$root"/}:$line:$col (in ${caller##*:}): $(sed -n "${line}p" "$file" | cut -c"$col"- | cut -c1-60): add it to hooks or external in scripts/stack.sh" >&2
            echo "!bad"
            continue
        fi
        printf '%s\t%s\n' "$caller" "$kind"
    done >"$tmp/sites"
if grep -q '^!bad' "$tmp/sites"; then
    exit 1
fi

# Targets of each table: hook<TAB>file<TAB>function (the awk below resolves
# the function to its node: "file:function" if static, else "function").
flat() { tr '\n\t' '  ' <"$1"; }
while IFS=';' read -r id _ re src; do
    how=${src%%:*}
    what=${src#*:}
    for f in "$root"/src/*/*.c; do
        case $how in
        init)
            type=${what%%.*}
            only=""
            [ "$type" != "$what" ] && only=${what#*.}
            flat "$f" | grep -oE "${type}[[:space:]]+[A-Za-z0-9_]+[[:space:]]*=[[:space:]]*\{[^}]*\}" |
                grep -oE '\.[a-z_]+[[:space:]]*=[[:space:]]*&?[A-Za-z_][A-Za-z0-9_]*' |
                sed -E 's/^\.([a-z_]+)[[:space:]]*=[[:space:]]*&?(.*)/\1 \2/' |
                while read -r fld fn; do
                    if [ -n "$only" ]; then
                        [ "$fld" = "$only" ] && printf '%s\t%s\t%s\n' "$id" "$f" "$fn"
                    else
                        printf '%s\t%s\t%s\n' "$id.$fld" "$f" "$fn"
                    fi
                done || true
            ;;
        table)
            for type in ${what//,/ }; do
                flat "$f" | grep -oE "${type}[[:space:]]+[A-Za-z0-9_]+\[[^]]*\][[:space:]]*=[[:space:]]*\{[^;]*\}" |
                    grep -oE '\{[^{}]*,[[:space:]]*[A-Za-z_][A-Za-z0-9_]*[[:space:]]*\}' |
                    sed -E 's/.*,[[:space:]]*([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*\}$/\1/' |
                    while read -r fn; do printf '%s\t%s\t%s\n' "$id" "$f" "$fn"; done || true
            done
            ;;
        sig)
            flat "$f" | grep -oE "${what}[[:space:]]*\{" | sed -E "s/^${what}.*/\1/" |
                while read -r fn; do printf '%s\t%s\t%s\n' "$id" "$f" "$fn"; done || true
            ;;
        args)
            # identifiers used as values (not called, not members)
            flat "$f" | grep -oE "\b$what\([^;]*\)" | sed -E "s/^$what\(//; s/(->|\.)[A-Za-z_][A-Za-z0-9_]*//g" |
                grep -oE '[A-Za-z_][A-Za-z0-9_]*[[:space:]]*\(?' | grep -v '($' | sort -u |
                while read -r fn; do printf '%s\t%s\t%s\n' "$id" "$f" "$fn"; done || true
            ;;
        esac
    done
done <<<"$hooks" >"$tmp/targets"

awk -v tsv="$tsv" -v sites="$tmp/sites" -v targets="$tmp/targets" '
function field(line, key,   p, rest) {
    p = index(line, key ": \"")
    if (p == 0) return ""
    rest = substr(line, p + length(key) + 3)
    return substr(rest, 1, index(rest, "\"") - 1)
}
/^node: / {
    t = field($0, "title"); l = field($0, "label")
    if (l ~ /bytes \(/) {
        n = split(l, parts, /\\n/)
        fr = parts[3]; sz = fr; sub(/ bytes.*/, "", sz)
        frame[t] = sz + 0; defined[t] = 1
        short[t] = parts[1]
        if (fr ~ /dynamic/) dyn[t] = fr
    }
    next
}
/^edge: / {
    s = field($0, "sourcename"); d = field($0, "targetname")
    if (d == "__indirect_call") next # from the sites file, one edge per kind
    if (!((s, d) in seen)) { seen[s, d] = 1; ne[s]++; edge[s, ne[s]] = d }
    next
}
# Worst stack from f (memoised); sets via[f] = the callee on the worst path.
# An edge "@hook" costs the deepest of the hook'"'"'s targets (0 when only direct
# calls are followed).
function worst(f,   i, d, w, best, bd, k, t) {
    if (f in memo) return memo[f]
    if (f ~ /^@/) {
        if (direct_only || f == "@ext") return 0
        if (f in onstack) { recursive[f] = 1; return 0 }
        onstack[f] = 1
        best = 0; bd = ""
        for (k = 1; k <= nt[f]; k++) {
            t = tgt[f, k]
            w = worst(t)
            if (w > best || bd == "") { best = w; bd = t }
        }
        delete onstack[f]
        via[f] = bd; memo[f] = best
        return best
    }
    if (!(f in defined)) { extern[f] = 1; return 0 }
    if (f in onstack) { recursive[f] = 1; return 0 }
    onstack[f] = 1
    best = 0; bd = ""
    for (i = 1; i <= ne[f]; i++) {
        d = edge[f, i]
        w = worst(d)
        if (w > best || bd == "") { best = w; bd = d }
    }
    delete onstack[f]
    via[f] = bd
    memo[f] = frame[f] + best
    return memo[f]
}
function path(f,   p, n) {
    p = short[f] "(" frame[f] ")"; n = 0
    while (via[f] != "" && n++ < 64) {
        if (via[f] == "@ext") { p = p " > [port/application callback]"; break }
        if (via[f] ~ /^@/) {
            f = via[f]
            if (via[f] == "") break
            p = p " > [" substr(f, 2) "]"
            f = via[f]; p = p " " short[f] "(" frame[f] ")"
            continue
        }
        if (!(via[f] in defined)) break
        f = via[f]; p = p " > " short[f] "(" frame[f] ")"
    }
    return p
}
function report(label, f) {
    if (!(f in defined)) { if (tsv) print "entry\t" label "\tn/a\t"; else printf "  %-28s n/a\n", label; return }
    worst(f)
    if (tsv) print "entry\t" label "\t" memo[f] "\t" direct[f] "\t" path(f)
    else printf "  %-28s %6d bytes (direct calls only: %d)  %s\n", label, memo[f], direct[f], path(f)
}
END {
    # Targets, resolved to the nodes of this build (static: "file:name").
    while ((getline line < targets) > 0) {
        split(line, a, "\t")
        h = "@" a[1]; t = ""
        if ((a[2] ":" a[3]) in defined) t = a[2] ":" a[3]
        else if (a[3] in defined) t = a[3]
        if (t == "" || ((h, t) in has)) continue
        has[h, t] = 1; nt[h]++; tgt[h, nt[h]] = t
    }
    # Indirect call sites, one edge per caller and kind.
    while ((getline line < sites) > 0) {
        split(line, a, "\t")
        h = "@" a[2]
        if (h == "@ext") { next_ext++; extcaller[a[1]] = 1 }
        else { nind++; kinds[h]++; intcaller[a[1]] = 1 }
        if (!((a[1], h) in seen)) { seen[a[1], h] = 1; ne[a[1]]++; edge[a[1], ne[a[1]]] = h }
    }
    direct_only = 1
    for (f in defined) worst(f)
    for (f in memo) direct[f] = memo[f]
    delete memo; delete via
    direct_only = 0
    for (f in defined) worst(f)
    deep = ""
    for (f in defined) if (f ~ /^ocpp_/ && (deep == "" || memo[f] > memo[deep])) deep = f
    if (!tsv) print "Worst-case stack (bytes, library code only; see notes):"
    report("ocpp_cp_poll", "ocpp_cp_poll")
    report("ocpp_cp_init", "ocpp_cp_init")
    report("deepest: " deep, deep)
    # One entry per table and field, sorted by name (stable output).
    nk = 0
    for (h in kinds) {
        worst(h)
        for (j = ++nk; j > 1 && hs[j - 1] > h; j--) hs[j] = hs[j - 1]
        hs[j] = h
    }
    hl = ""
    for (j = 1; j <= nk; j++) {
        h = hs[j]
        hl = hl (hl == "" ? "" : "; ") substr(h, 2) " " memo[h] + 0 " (" (via[h] != "" ? short[via[h]] : "-") ", " nt[h] + 0 " target" (nt[h] == 1 ? "" : "s") ", " kinds[h] " site" (kinds[h] == 1 ? "" : "s") ")"
    }
    ni = 0; for (f in intcaller) ni++
    ex = ""; for (f in extern) if (f != "") ex = ex (ex == "" ? "" : " ") f
    rc = ""; for (f in recursive) rc = rc (rc == "" ? "" : ", ") (f ~ /^@/ ? "[" substr(f, 2) "]" : short[f])
    dy = ""; for (f in dyn) dy = dy (dy == "" ? "" : ", ") short[f] " (" dyn[f] ")"
    ne2 = 0; for (f in extcaller) ne2++
    note[1] = nind " indirect call sites in " ni " functions go through the library'"'"'s own tables; each costs the deepest target of its table and field, in bytes (deepest target, targets, call sites): " hl
    note[2] = next_ext " call sites in " ne2 " functions call port/application callbacks, counted as 0: add your deepest callback"
    note[3] = "calls without a frame in the graph counted as 0: " (ex == "" ? "none" : ex)
    note[4] = "recursion: " (rc == "" ? "none" : rc " (NOT an upper bound)")
    note[5] = "dynamic frames: " (dy == "" ? "none" : dy)
    for (i = 1; i <= 5; i++) { if (tsv) print "note\t" note[i]; else print "  note: " note[i] }
}' "$tmp/all.ci"
