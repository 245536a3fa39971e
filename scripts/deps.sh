#!/usr/bin/env bash
# Install what `make test` or `make demo` needs, idempotently and quietly.
# Usage: scripts/deps.sh {test|demo}
#   Debian packages: only the missing ones (dpkg-query first; apt-get update
#   and install only if something is missing).
#   npm: `npm ci` at the repo root if package.json exists and node_modules is
#   missing or older than package-lock.json.
#   test only: libcmocka-dev:i386 for the -m32 unit tests (adds the i386
#   architecture; optional: failure only skips the 32-bit unit tests);
#   qemu-user (qemu-i386: the -m32 tests where the kernel cannot execute
#   32-bit binaries) and qemu-system-arm (the unit tests on an emulated
#   Cortex-M4 board), and chromium (the dashboard's browser test, through
#   npm playwright-core); optional too: without them those tests are reported
#   as skipped.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-test}
export DEBIAN_FRONTEND=noninteractive

common="build-essential cmake pkg-config"
case "$mode" in
test)
    pkgs="$common clang clang-format clang-tidy cppcheck valgrind libcmocka-dev libmbedtls-dev
          libmicrohttpd-dev libcurl4-openssl-dev gcc-multilib gcc-arm-none-eabi libnewlib-arm-none-eabi
          gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf gcc-xtensa-lx106
          picolibc-xtensa-lx106-elf libclang-rt-14-dev openssl"
    ;;
demo)
    # The library, the POSIX port (mbedTLS; libcurl for firmware and diagnostics
    # transfers) and ocpp-sim (libmicrohttpd for its dashboard); no test tools.
    pkgs="$common libmbedtls-dev libmicrohttpd-dev libcurl4-openssl-dev"
    ;;
*)
    echo "usage: $0 {test|demo}" >&2
    exit 2
    ;;
esac
command -v node >/dev/null 2>&1 || pkgs="$pkgs nodejs"
command -v npm >/dev/null 2>&1 || pkgs="$pkgs npm"

installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo -E "$@"
    else
        echo "deps: need root to run: $*" >&2
        return 1
    fi
}

apt_updated=0
apt_install() { # quietly; log on failure
    local log
    log=$(mktemp)
    if [ "$apt_updated" -eq 0 ]; then
        # A partly failed update (e.g. one mirror mid-sync) may still be enough.
        as_root apt-get update -qq >"$log" 2>&1 || grep -E '^(E|W):' "$log" | head -3 >&2
        apt_updated=1
    fi
    if ! as_root apt-get install -y -qq --no-install-recommends "$@" >"$log" 2>&1; then
        tail -20 "$log" >&2
        rm -f "$log"
        return 1
    fi
    rm -f "$log"
}

missing=""
for p in $pkgs; do
    installed "$p" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "deps: installing$missing"
    apt_install $missing
fi

if [ "$mode" = test ] && { ! installed libcmocka-dev:i386 || ! installed libmbedtls-dev:i386; }; then
    # Optional: the 32-bit unit tests need cmocka (and, for the POSIX port,
    # mbedTLS) for i386.
    if ! dpkg --print-foreign-architectures | grep -qx i386; then
        as_root dpkg --add-architecture i386 && apt_updated=0
    fi
    if dpkg --print-foreign-architectures | grep -qx i386; then
        echo "deps: installing libcmocka-dev:i386 libmbedtls-dev:i386 (for the -m32 unit tests)"
        apt_install libcmocka-dev:i386 libmbedtls-dev:i386 ||
            apt_install libcmocka-dev:i386 ||
            echo "deps: libcmocka-dev:i386 not installable; the -m32 step builds the core only"
    fi
fi

if [ "$mode" = test ]; then
    # Optional emulators (scripts/test.sh prints "skipped: ..." without them).
    qemu_missing=""
    for p in qemu-user qemu-system-arm; do
        installed "$p" || qemu_missing="$qemu_missing $p"
    done
    if [ -n "$qemu_missing" ]; then
        echo "deps: installing$qemu_missing (emulators for the 32-bit and Cortex-M4 tests)"
        apt_install $qemu_missing ||
            echo "deps:$qemu_missing not installable; the tests that need it are skipped"
    fi
    # Optional: Debian's chromium, driven by npm playwright-core in the dashboard's browser test
    # (browser.dashboard is reported as skipped without it).
    if ! installed chromium; then
        echo "deps: installing chromium (the dashboard's browser test)"
        apt_install chromium || echo "deps: chromium not installable; browser.dashboard is skipped"
    fi
fi

if [ -f "$root/package.json" ]; then
    if [ ! -d "$root/node_modules" ] ||
        { [ -f "$root/package-lock.json" ] && [ "$root/package-lock.json" -nt "$root/node_modules" ]; }; then
        echo "deps: npm ci"
        (cd "$root" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
        touch "$root/node_modules"
    fi
fi
echo "deps: ok ($mode)"
