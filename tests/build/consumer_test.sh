#!/usr/bin/env bash
# build.consumer: install ocpp-c into a temporary prefix and build the consumer
# program (tests/build/consumer) three ways: find_package(ocpp), pkg-config,
# and add_subdirectory() of the source tree. Runs each binary.
# Usage: consumer_test.sh SOURCE_DIR WORK_DIR [CC] [POSIX_PORT=ON|OFF]
set -euo pipefail
src=$(cd "$1" && pwd)
work=$2
cc=${3:-cc}
posix=${4:-OFF}
case "$posix" in ON | on | 1 | TRUE | true) posix=ON ;; *) posix=OFF ;; esac
consumer="$src/tests/build/consumer"
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)
prefix="$work/prefix"
log="$work/log.txt"
cfg=(-DOCPP_MAX_CONNECTORS=3 -DOCPP_PROFILE_RESERVATION=OFF)

step() {
    echo "== $*"
}
run() {
    if ! "$@" >>"$log" 2>&1; then
        echo "build.consumer: FAILED: $*"
        tail -40 "$log"
        exit 1
    fi
}

step "library: configure, build, install into $prefix (POSIX port $posix)"
run cmake -S "$src" -B "$work/lib" -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INSTALL_PREFIX="$prefix" -DOCPP_INSTALL=ON -DOCPP_BUILD_TESTS=OFF -DOCPP_BUILD_APPS=OFF \
    -DOCPP_BUILD_PORT_POSIX="$posix" "${cfg[@]}"
run cmake --build "$work/lib" -j2
run cmake --install "$work/lib"
for f in include/ocpp/ocpp_status.h include/ocpp/ocpp_config_defaults.h; do
    [ -f "$prefix/$f" ] || { echo "build.consumer: $f not installed"; exit 1; }
done
for f in libocpp.a ocppConfig.cmake ocppConfigVersion.cmake ocppTargets.cmake ocpp.pc; do
    [ -n "$(find "$prefix" -name "$f" -print -quit)" ] || { echo "build.consumer: $f not installed"; exit 1; }
done
if [ "$posix" = ON ] && [ -n "$(find "$prefix" -name 'libocpp_posix.a' -print -quit)" ]; then
    echo "   (libocpp_posix.a installed)"
fi

step "consumer via find_package(ocpp)"
run cmake -S "$consumer" -B "$work/pkg" -DCMAKE_C_COMPILER="$cc" -DOCPP_CONSUMER_MODE=package \
    -DCMAKE_PREFIX_PATH="$prefix"
run cmake --build "$work/pkg"
"$work/pkg/consumer"
[ ! -x "$work/pkg/consumer_posix" ] || "$work/pkg/consumer_posix"

step "consumer via pkg-config"
pcdir=$(dirname "$(find "$prefix" -name ocpp.pc -print -quit)")
export PKG_CONFIG_PATH="$pcdir"
command -v pkg-config >/dev/null || { echo "build.consumer: pkg-config not installed"; exit 1; }
# shellcheck disable=SC2046  # word splitting of pkg-config output is intended
run "$cc" -std=c11 -Wall -Wextra -Werror $(pkg-config --cflags ocpp) "$consumer/main.c" \
    -o "$work/consumer-pc" $(pkg-config --libs ocpp)
"$work/consumer-pc"

step "consumer via add_subdirectory(source tree)"
run cmake -S "$consumer" -B "$work/sub" -DCMAKE_C_COMPILER="$cc" -DOCPP_CONSUMER_MODE=subdir \
    -DOCPP_SOURCE_DIR="$src" -DOCPP_BUILD_PORT_POSIX=OFF "${cfg[@]}"
run cmake --build "$work/sub" -j2
"$work/sub/consumer"

echo "build.consumer: OK (find_package, pkg-config, add_subdirectory)"
