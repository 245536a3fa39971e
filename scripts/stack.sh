#!/usr/bin/env bash
# Worst-case stack depth of the library's public entry points, from gcc's
# -fcallgraph-info=su call graphs (.ci files: every function's frame size and
# its direct calls), as built by bench/size (scripts/size.sh prints it).
#
# Usage: scripts/stack.sh [--tsv] <dir-with-.ci-files>...
# Prints ocpp_cp_poll, ocpp_cp_init and the deepest public function (ocpp_*)
# with the worst path, then what the analysis could not follow:
#   - indirect calls (function pointers) are of two kinds:
#     * through the library's own tables: the CALL handlers (ocpp_rpc_handler_fn,
#       called by ocpp_rpc_dispatch) and the queued-message builders (build_fn,
#       called by enqueue in src/v16/tx.c). Each such call site is assumed to
#       reach the deepest "address-taken candidate" = any function in the graph
#       without a direct caller that is not a public API function
#       (include/ocpp/*.h) or main (two levels of nesting are followed). The
#       script fails if src/ declares another function-pointer type, so that a
#       new internal table cannot be missed;
#     * through the ports and the application callbacks (include/ocpp/*.h):
#       their code is the firmware's, not in the library's graph, and counted
#       as 0 here: add the deepest of your callbacks (and what it calls) to
#       the figure;
#   - calls to functions without a frame in the graph (libc: memcpy, strlen,
#     ...): counted as 0 bytes (leaf routines of a few words on these targets);
#   - recursion (a cycle in the call graph): reported, and the number is then
#     not an upper bound; dynamic frames (alloca/VLA): reported.
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
# shellcheck disable=SC2086
root=$(cd "$(dirname "$0")/.." && pwd)
# Internal function-pointer types and the functions that call through them.
known_types="ocpp_rpc_handler_fn build_fn"
internal_callers="ocpp_rpc_dispatch enqueue"
for t in $(grep -rhoE 'typedef[^;(]*\(\*[[:space:]]*[A-Za-z0-9_]+\)' "$root"/src | sed -E 's/.*\(\*[[:space:]]*([A-Za-z0-9_]+)\)/\1/'); do
    case " $known_types " in
    *" $t "*) ;;
    *) echo "stack: src/ declares the function-pointer type $t, unknown to scripts/stack.sh: add it and its callers to known_types/internal_callers" >&2; exit 1 ;;
    esac
done
public=$(grep -ohE '\bocpp_[a-z0-9_]+[[:space:]]*\(' "$root"/include/ocpp/*.h | sed 's/[[:space:](]*$//' | sort -u | tr '\n' ' ')
# shellcheck disable=SC2086
cat $files | awk -v tsv="$tsv" -v public="$public" -v internal="$internal_callers" '
function unq(s) { sub(/^"/, "", s); sub(/"$/, "", s); return s }
# title: "..." / label: "..." / sourcename: "..." / targetname: "..."
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
    if (d == "__indirect_call") {
        sn = s; sub(/.*:/, "", sn)
        if (sn == "enqueue") { indirect[s]++; nind++; d = "__build_call" }
        else if ((" " internal " ") ~ (" " sn " ")) { indirect[s]++; nind++ }
        else { external[s]++; next_ext++; d = "__external_call" }
    }
    else called[d] = 1
    ne[s]++; edge[s, ne[s]] = d
    next
}
# Worst stack from f (memoised); sets via[f] = the callee on the worst path.
function worst(f,   i, d, w, best, bd) {
    if (f in memo) return memo[f]
    if (f == "__indirect_call") return ind_cost
    if (f == "__external_call") return 0
    if (f == "__build_call") return build_cost
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
        if (via[f] == "__indirect_call") { p = p " > [indirect: " short[mc] " ...]"; break }
        if (via[f] == "__external_call") { p = p " > [port/application callback]"; break }
        if (via[f] == "__build_call") { p = p " > [indirect: " short[bc] "]"; break }
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
function all_worst(   f) { delete memo; for (f in defined) worst(f) }
END {
    np = split(public, pl, " "); for (i = 1; i <= np; i++) ispub[pl[i]] = 1
    for (f in defined) if (!(f in called) && !(f in ispub) && f != "main") cand[f] = 1
    # indirect calls: 0, then the deepest candidate, twice (nested indirect calls)
    # (enqueue calls only the message builders, build_*)
    ind_cost = 0; build_cost = 0
    for (it = 0; it < 3; it++) {
        all_worst()
        if (it == 0) for (f in memo) direct[f] = memo[f]
        if (it == 2) break
        m = 0; b = 0
        for (f in cand) {
            if (short[f] ~ /^build_/) { if (memo[f] > b) { b = memo[f]; bc = f } }
            else if (memo[f] > m) { m = memo[f]; mc = f }
        }
        ind_cost = m; build_cost = b
    }
    deep = ""
    for (f in defined) if (f ~ /^ocpp_/ && (deep == "" || memo[f] > memo[deep])) deep = f
    if (!tsv) print "Worst-case stack (bytes, library code only; see notes):"
    report("ocpp_cp_poll", "ocpp_cp_poll")
    report("ocpp_cp_init", "ocpp_cp_init")
    report("deepest: " deep, deep)
    ni = 0; for (f in indirect) { ni++; il = il (il == "" ? "" : ", ") short[f] }
    ex = ""; for (f in extern) if (f != "") ex = ex (ex == "" ? "" : " ") f
    rc = ""; for (f in recursive) rc = rc (rc == "" ? "" : ", ") short[f]
    dy = ""; for (f in dyn) dy = dy (dy == "" ? "" : ", ") short[f] " (" dyn[f] ")"
    nc = 0; for (f in cand) nc++
    ne2 = 0; for (f in external) ne2++
    note[1] = nind " indirect call sites into the library handler/builder tables in " ni " functions, each assumed to take the deepest of " nc " candidate targets (handlers: " ind_cost " bytes, " short[mc] "; builders: " build_cost " bytes, " short[bc] "); " next_ext " call sites in " ne2 " functions call port/application callbacks, counted as 0: add your deepest callback"
    note[2] = "calls without a frame in the graph counted as 0: " (ex == "" ? "none" : ex)
    note[3] = "recursion: " (rc == "" ? "none" : rc " (NOT an upper bound)")
    note[4] = "dynamic frames: " (dy == "" ? "none" : dy)
    for (i = 1; i <= 4; i++) { if (tsv) print "note\t" note[i]; else print "  note: " note[i] }
}'
