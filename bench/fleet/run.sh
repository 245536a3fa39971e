#!/usr/bin/env bash
# Fleet bench (issue 16, `make bench-fleet`): N stations of `ocpp-sim --stations N` (Release build)
# and the same fleet as npm ocpp-rpc clients in one Node process, each against the fast sink CSMS
# (tools/csms/sink.mjs) and the dev CSMS (tools/csms, strict): boot time, memory per station, CPU
# per message, CPU share, and the ratios Node fleet / ocpp-sim (bench/fleet/fleet.mjs).
#
# Usage: bench/fleet/run.sh [--markdown | --write-docs] [fleet.mjs options...]
#   --stations N (1000)  --interval S (heartbeat, 10)  --duration S (steady window, 20)
#   --settle S (5)  --connectors N (2)  --csms sink,dev  --fleets sim,node  --json FILE
#   --sessions IDLE:LENGTH[:METER] --seed S   charging sessions in both fleets (ocpp-sim: --gen)
#   --markdown     print the tables as Markdown
#   --write-docs   also replace the fleet section of docs/performance.md (`make bench-fleet-docs`)
# Env: BUILD_DIR (default build-bench-fleet), CMAKE_ARGS (extra configure args), REBUILD=1,
#      OCPP_SIM (use this ocpp-sim binary instead of building one),
#      SIM_MAX_CONNECTORS=N (build ocpp-sim for stations of at most N connectors, in
#      build-bench-fleet-cN: less memory per station, README "memory"; the default is 8).
# Larger fleets: --stations 10000 --interval 60 --duration 120 (about 15 min here); see
# bench/fleet/README.md for 50,000 (open files, ephemeral ports, ocpp-sim's --stations limit).
# Needs node >= 20 and `npm ci` at the repository root.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
max_conn=${SIM_MAX_CONNECTORS:-}
case "$max_conn" in '' | [1-9] | [12][0-9] | 3[0-2]) ;; *)
    echo "bench-fleet: SIM_MAX_CONNECTORS must be a number in 1..32" >&2
    exit 2
    ;;
esac
build=${BUILD_DIR:-$root/build-bench-fleet${max_conn:+-c$max_conn}}
stations=1000
prev=
for a in "$@"; do
    if [ "$prev" = --stations ]; then stations=$a; fi
    case "$a" in --stations=*) stations=${a#--stations=} ;; -h | --help)
        sed -n '2,19p' "$0"
        exit 0
        ;;
    esac
    prev=$a
done
case "$stations" in '' | *[!0-9]*)
    echo "bench-fleet: --stations must be a number" >&2
    exit 2
    ;;
esac

# Every station is a socket in the fleet's process and another in the CSMS's: each process needs
# one descriptor per station and a few more.
need=$((stations + 256))
soft=$(ulimit -Sn)
hard=$(ulimit -Hn)
if [ "$soft" != unlimited ] && [ "$soft" -lt "$need" ]; then
    if [ "$hard" = unlimited ] || [ "$hard" -ge "$need" ]; then
        ulimit -Sn "$need"
        echo "bench-fleet: open files: soft limit raised from $soft to $need" >&2
    elif ulimit -Hn "$need" 2>/dev/null && ulimit -Sn "$need"; then
        echo "bench-fleet: open files: hard and soft limit raised from $hard to $need" >&2
    else
        echo "bench-fleet: open files: the hard limit $hard is below the $need needed for $stations" \
            "stations and cannot be raised here (as root: ulimit -Hn, or LimitNOFILE/limits.conf);" \
            "stations beyond it will fail to connect" >&2
        ulimit -Sn "$hard"
    fi
fi
read -r port_lo port_hi </proc/sys/net/ipv4/ip_local_port_range
if [ "$stations" -gt $((port_hi - port_lo + 1)) ]; then
    echo "bench-fleet: $stations stations > $((port_hi - port_lo + 1)) ephemeral ports" \
        "($port_lo-$port_hi) from one source address to one CSMS port: widen" \
        "net.ipv4.ip_local_port_range or use several source addresses" >&2
fi

sim=${OCPP_SIM:-}
if [ -z "$sim" ]; then
    sim=$build/ocpp-sim
    if [ ! -x "$sim" ] || [ -n "${REBUILD:-}" ]; then
        echo "bench-fleet: building ocpp-sim (Release) in ${build#"$root"/}" >&2
        # shellcheck disable=SC2086 # CMAKE_ARGS: several arguments
        if ! cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DOCPP_BUILD_TESTS=OFF \
            -DOCPP_INSTALL=OFF ${max_conn:+-DOCPP_MAX_CONNECTORS=$max_conn} ${CMAKE_ARGS:-} \
            >"$build.log" 2>&1 ||
            ! cmake --build "$build" --target ocpp-sim -j2 >>"$build.log" 2>&1; then
            tail -20 "$build.log"
            exit 1
        fi
    fi
fi
[ -d "$root/node_modules/ocpp-rpc" ] || {
    echo "bench-fleet: node_modules/ocpp-rpc missing: run npm ci in $root" >&2
    exit 1
}
cd "$root"
exec node bench/fleet/fleet.mjs --sim "$sim" "$@"
