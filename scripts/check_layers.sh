#!/usr/bin/env bash
# Layer gate for the library objects (bash + awk + binutils nm).
# LAYERS_FILE lists the folders of src/, top layer first, one layer per line;
# folders on one line form one layer; '#' starts a comment. The folder of an
# object is the path component after CMake's "<target>.dir/" (for other paths:
# its parent directory), e.g. .../ocpp.dir/cp/cp.c.o is in folder "cp".
# A reference is an undefined symbol of one object that another object defines.
# The gate fails on:
#  1. a reference from a lower layer to a symbol defined in a higher layer;
#  2. a reference between two different folders of the same layer;
#  3. a cycle between objects (a.o -> b.o -> a.o, or longer; also in one folder);
#  4. an object in a folder that LAYERS_FILE does not declare.
# Symbols that no given object defines (libc, compiler runtime) are ignored.
#
# Usage: check_layers.sh [--nm NM] LAYERS_FILE OBJ...
# Exit: 0 clean, 1 violations found, 2 usage/tool error.
set -euo pipefail

NM="nm"
while [ $# -gt 0 ]; do
    case "$1" in
    --nm) [ $# -ge 2 ] || { echo "check_layers: --nm needs an argument" >&2; exit 2; }
        NM=$2; shift 2 ;;
    --) shift; break ;;
    -*) echo "check_layers: unknown option $1" >&2; exit 2 ;;
    *) break ;;
    esac
done
if [ $# -lt 2 ]; then
    echo "usage: check_layers.sh [--nm NM] LAYERS_FILE OBJ..." >&2
    exit 2
fi
layers=$1
shift
for f in "$layers" "$@"; do
    [ -r "$f" ] || { echo "check_layers: cannot read $f" >&2; exit 2; }
done

# POSIX nm output, one line per symbol: "file: name type [value size]".
nm_out=$("$NM" -A -P "$@" 2>/dev/null) || { echo "check_layers: $NM failed" >&2; exit 2; }

# Input of the awk program: "OBJ path" per object, then the nm lines.
{ printf 'OBJ %s\n' "$@"; printf '%s\n' "$nm_out"; } | awk -v layers="$layers" '
BEGIN {
    while ((r = getline line < layers) > 0) {
        sub(/#.*/, "", line)
        n = split(line, w, " ")
        if (n == 0) continue
        nlayers++
        for (i = 1; i <= n; i++) {
            if (w[i] in layer) { print "check_layers: " w[i] " declared twice in " layers > "/dev/stderr"; err = 1; exit }
            layer[w[i]] = nlayers
        }
    }
    if (r < 0 || nlayers == 0) { print "check_layers: no layers in " layers > "/dev/stderr"; err = 1; exit }
}
$1 == "OBJ" {
    o = substr($0, 5); objs[++nobj] = o
    d = o
    if (!sub(/.*\.dir\//, "", d)) { n = split(o, p, "/"); d = (n > 1 ? p[n - 1] "/" : "") p[n] }
    disp[o] = d
    folder[o] = (index(d, "/") ? substr(d, 1, index(d, "/") - 1) : ".")
    next
}
{
    i = index($0, ": "); if (i == 0) next
    o = substr($0, 1, i - 1); split(substr($0, i + 2), f, " "); name = f[1]; t = f[2]
    if (t == "U" || t == "w" || t == "v") {
        if (!((o, name) in seen)) { seen[o, name] = 1; ref_obj[++nref] = o; ref_sym[nref] = name }
    } else if (t ~ /^[A-TV-Z]$/ || t == "u") {
        if (!(name in def) || deftype[name] ~ /^[WV]$/) { def[name] = o; deftype[name] = t }
    }
}
function where(o) { return disp[o] " (" folder[o] }
function bad(msg) { print msg; nbad++ }
END {
    if (err) exit 2
    for (k = 1; k <= nobj; k++)
        if (!(folder[objs[k]] in layer))
            bad("undeclared folder: " disp[objs[k]] " (" folder[objs[k]] " is not in " layers ")")
    for (k = 1; k <= nref; k++) {
        a = ref_obj[k]; s = ref_sym[k]
        if (!(s in def) || def[s] == a) continue
        b = def[s]; nchecked++
        if (!((a, b) in syms)) { succ[a, ++nsucc[a]] = b; syms[a, b] = s } else syms[a, b] = syms[a, b] " " s
        fa = folder[a]; fb = folder[b]
        if (fa == fb || !(fa in layer) || !(fb in layer)) continue
        if (layer[fa] == layer[fb])
            bad("same-layer reference: " where(a) ") -> " s " defined in " where(b) ", same layer)")
        else if (layer[fa] > layer[fb])
            bad("layer violation: " where(a) ") -> " s " defined in " where(b) ", higher layer)")
    }
    # Cycles: the shortest circle through each object (breadth-first search
    # back to it), each circle reported once.
    for (k = 1; k <= nobj; k++) {
        s = objs[k]; split("", parent); head = 1; tail = 0; q[++tail] = s; found = ""
        while (head <= tail && found == "") {
            u = q[head++]
            for (j = 1; j <= nsucc[u]; j++) {
                v = succ[u, j]
                if (v == s) { found = u; break }
                if (!(v in parent)) { parent[v] = u; q[++tail] = v }
            }
        }
        if (found == "") continue
        n = 0; for (u = found; u != s; u = parent[u]) path[++n] = u
        path[++n] = s
        # path[n..1] is the circle from s; start it at its smallest name.
        m = n; for (j = 1; j <= n; j++) if (disp[path[j]] < disp[path[m]]) m = j
        key = ""; for (j = 0; j < n; j++) { c[j] = path[(m - j - 1 + n) % n + 1]; key = key disp[c[j]] " -> " }
        key = key disp[c[0]]
        if (key in circle) continue
        circle[key] = 1; bad("cycle: " key)
        for (j = 0; j < n; j++) {
            x = c[j]; y = c[(j + 1) % n]; list = syms[x, y]
            if (split(list, ws, " ") > 3) list = ws[1] " " ws[2] " " ws[3] " ..."
            print "    " disp[x] " -> " disp[y] ": " list
        }
    }
    summary = nobj " objects, " nchecked + 0 " references checked, " nlayers " layers (" layers ")"
    if (nbad) { print "check_layers: FAILED, " nbad " violation(s); " summary; exit 1 }
    print "check_layers: OK, " summary
}'
