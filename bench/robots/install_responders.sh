#!/bin/bash
# Auto-responders (vacation replies) for bench/robots/{vacation,mailbot,formail,pigeonhole,
# mailutils_sieve}.sh, from Debian's packages. Idempotent.
# - vacation, maildrop (mailbot), procmail (formail), mailutils (sieve): plain command-line
#   programs; installing them starts no service, so they are installed normally.
# - dovecot-sieve (Pigeonhole) is only unpacked under /tmp/sd_robots/pigeonhole/root: its
#   package triggers a restart of the system's dovecot. pigeonhole.sh runs the installed
#   dovecot-core's dovecot-lda with a private config that loads the plugin from there.
set -e
R=/tmp/sd_robots
apt_install() {
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 -qq install -y --no-install-recommends "$@" >/dev/null
}
need=()
command -v vacation >/dev/null || need+=(vacation)
command -v mailbot >/dev/null || need+=(maildrop)
command -v formail >/dev/null || need+=(procmail)
command -v sieve >/dev/null || need+=(mailutils)
if [ ${#need[@]} -gt 0 ]; then
    apt_install "${need[@]}" || { apt-get -o DPkg::Lock::Timeout=900 -qq update >/dev/null; apt_install "${need[@]}"; }
fi
[ -x /usr/lib/dovecot/dovecot-lda ] || echo "dovecot-core not installed (it would start a system daemon): pigeonhole.sh will say so" >&2
if [ ! -f "$R/pigeonhole/root/.unpacked" ]; then
    mkdir -p "$R/debs" "$R/pigeonhole"
    (cd "$R/debs" && rm -f dovecot-sieve_*.deb && apt-get -o DPkg::Lock::Timeout=900 -qq download dovecot-sieve 2>/dev/null)
    rm -rf "$R/pigeonhole/root.new" && mkdir -p "$R/pigeonhole/root.new"
    dpkg-deb -x "$(ls "$R"/debs/dovecot-sieve_*.deb | tail -1)" "$R/pigeonhole/root.new"
    touch "$R/pigeonhole/root.new/.unpacked"
    rm -rf "$R/pigeonhole/root" && mv "$R/pigeonhole/root.new" "$R/pigeonhole/root"
fi
