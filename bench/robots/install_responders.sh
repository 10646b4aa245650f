#!/bin/bash
# Auto-responders (vacation replies) for bench/robots/{vacation,mailbot,formail,pigeonhole,
# mailutils_sieve}.sh, from Debian's packages. Idempotent.
# - vacation, maildrop (mailbot), procmail (formail), mailutils (sieve): plain command-line
#   programs; installing them starts no service, so they are installed normally.
# - dovecot-sieve (Pigeonhole) is only unpacked under /tmp/sd_robots/pigeonhole/root: its
#   package triggers a restart of the system's dovecot. pigeonhole.sh runs the installed
#   dovecot-core's dovecot-lda with a private config that loads the plugin from there.
set -e
. "$(dirname "$0")/lib/common.sh"
R=/tmp/sd_robots
need=()
command -v vacation >/dev/null || need+=(vacation)
command -v mailbot >/dev/null || need+=(maildrop)
command -v formail >/dev/null || need+=(procmail)
command -v sieve >/dev/null || need+=(mailutils)
[ ${#need[@]} -eq 0 ] || apt_install "${need[@]}"
[ -x /usr/lib/dovecot/dovecot-lda ] || echo "dovecot-core not installed (it would start a system daemon): pigeonhole.sh will say so" >&2
deb_unpack "$R/pigeonhole/root" "$R/debs" dovecot-sieve
