#!/usr/bin/env bash
# `make demo`: build ocpp-sim, start the dev CSMS (tools/csms, node) on a free
# port, and run one simulated charge point against it in the foreground.
# Ctrl-C stops both.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build="$root/build"

"$root/scripts/deps.sh" demo

# Configure build/ only if it is new (make test owns its options afterwards).
if [ ! -f "$build/CMakeCache.txt" ]; then
    echo "demo: configuring $build"
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DOCPP_BUILD_TESTS=OFF >"$root/.demo-configure.log" 2>&1 ||
        { cat "$root/.demo-configure.log"; exit 1; }
    rm -f "$root/.demo-configure.log"
fi
targets=$(cmake --build "$build" --target help 2>/dev/null || true)
if ! printf '%s\n' "$targets" | grep -q 'ocpp-sim'; then
    echo "demo: there is no ocpp-sim target yet (apps/simulator/ not there, or the POSIX port"
    echo "      was not built: see the warnings of 'cmake -S . -B build')."
    exit 1
fi
echo "demo: building ocpp-sim"
cmake --build "$build" -j2 --target ocpp-sim >/dev/null || { cmake --build "$build" --target ocpp-sim; exit 1; }
sim="$build/ocpp-sim"
[ -x "$sim" ] || sim=$(find "$build" -name ocpp-sim -type f -perm -u+x -print -quit)
[ -n "$sim" ] && [ -x "$sim" ] || { echo "demo: ocpp-sim was not produced"; exit 1; }

if [ ! -f "$root/tools/csms/server.mjs" ]; then
    echo "demo: tools/csms/server.mjs is missing (the dev CSMS is not there yet)"
    exit 1
fi
command -v node >/dev/null || { echo "demo: node is not installed"; exit 1; }

tmp=$(mktemp -d)
csms_pid=""
tail_pid=""
cleanup() {
    trap - EXIT INT TERM
    [ -n "$tail_pid" ] && kill "$tail_pid" 2>/dev/null
    if [ -n "$csms_pid" ] && kill -0 "$csms_pid" 2>/dev/null; then
        kill "$csms_pid" 2>/dev/null
        wait "$csms_pid" 2>/dev/null
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

node "$root/tools/csms/server.mjs" --port 0 >"$tmp/csms.log" 2>&1 &
csms_pid=$!
url=""
for _ in $(seq 1 100); do
    # The line "csms: ws://127.0.0.1:<port>/ocpp" (other lines may quote the URL in JSON).
    url=$(sed -n 's|^csms: \(wss*://[^[:space:]"]*\).*|\1|p' "$tmp/csms.log" | head -1)
    [ -n "$url" ] || url=$(grep -oE 'wss?://127\.0\.0\.1:[0-9]+/[A-Za-z0-9._~/-]*' "$tmp/csms.log" | head -1 || true)
    [ -n "$url" ] && break
    kill -0 "$csms_pid" 2>/dev/null || break
    sleep 0.1
done
if [ -z "$url" ]; then
    echo "demo: the dev CSMS did not start:"
    cat "$tmp/csms.log"
    exit 1
fi
echo "demo: dev CSMS listening on $url (its output is prefixed [csms]); Ctrl-C stops both"
tail -n +1 -f "$tmp/csms.log" | sed -u 's/^/[csms] /' &
tail_pid=$!

"$sim" --csms "$url" --id CP-DEMO --log-level debug
