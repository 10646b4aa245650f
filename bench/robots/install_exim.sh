#!/bin/bash
# Exim 4.96 for bench/robots/exim.sh, from Debian's packages, idempotent.
# Installing exim4-daemon-light (with exim4-base and exim4-config) would make Exim the system's
# MTA and start its daemon on port 25, so the package is only unpacked (dpkg-deb -x) under
# /tmp/sd_robots/exim/root and its exim4 binary is run directly with a private configuration
# (-C) by exim.sh; nothing is configured, registered with dpkg or started as a service.
# The binary needs libidn.so.12 (libidn12), which is not installed here: that package is
# unpacked into the same root, and patchelf points the binary's RPATH there (LD_LIBRARY_PATH
# would not do: Exim clears its environment and re-executes itself, setuid, for deliveries).
set -e
BASE=/tmp/sd_robots/exim
ROOT=$BASE/root
EXIM=$ROOT/usr/sbin/exim4
LIBDIR=$ROOT/usr/lib/x86_64-linux-gnu
if [ -x "$EXIM" ] && [ -f "$ROOT/.installed" ]; then
    exit 0
fi
. "$(dirname "$0")/lib/common.sh"
command -v patchelf >/dev/null || apt_install patchelf
PKGS=(exim4-daemon-light)
# Libraries the binary lacks on this machine (ldd says "not found"): unpack their packages too.
if [ ! -e /usr/lib/x86_64-linux-gnu/libidn.so.12 ] && [ ! -e /lib/x86_64-linux-gnu/libidn.so.12 ]; then
    PKGS+=(libidn12)
fi
deb_unpack "$ROOT" "$BASE/debs" "${PKGS[@]}"
patchelf --set-rpath "$LIBDIR" "$EXIM"
chmod 4755 "$EXIM"   # as packaged (patchelf keeps it; be sure)
if LD_TRACE_LOADED_OBJECTS=1 "$EXIM" 2>/dev/null | grep -q "not found"; then
    echo "exim4 still misses libraries:" >&2
    LD_TRACE_LOADED_OBJECTS=1 "$EXIM" | grep "not found" >&2
    exit 1
fi
touch "$ROOT/.installed"
