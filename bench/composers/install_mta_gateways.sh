#!/bin/bash
# Mail servers and filters for bench/mail_composers.py --gateway (gateways/postfix_*.sh,
# exim_local.sh, spamassassin_report.sh, dovecot_lmtp.sh), from Debian's packages. Idempotent.
# Postfix conflicts with the installed exim4 (both are the system MTA), so its package is only
# unpacked under /tmp/sd_composers/gw/postfix/root (never configured or started as a service)
# and its programs' library path is pointed there with patchelf. spamd (Debian's spamd) and
# Dovecot's lmtp (dovecot-lmtpd) are likewise only unpacked, under /tmp/sd_composers/gw/sa/root
# and /tmp/sd_composers/gw/dovecot/root: installing them would start or restart system services.
set -e
GW=/tmp/sd_composers/gw
apt_install() {
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 -qq install -y --no-install-recommends "$@" >/dev/null
}
need=()
command -v patchelf >/dev/null || need+=(patchelf)
command -v spamassassin >/dev/null || need+=(spamassassin)
command -v spamc >/dev/null || need+=(spamc)
# exim4-daemon-light and dovecot-core are not installed from here: on a machine without them
# their packages would start system daemons (Exim on port 25); exim_local.sh and
# dovecot_lmtp.sh report them missing (exit 3) instead.
command -v exim4 >/dev/null || echo "exim4 (exim4-daemon-light) not installed: exim_local.sh will say so" >&2
[ -x /usr/sbin/dovecot ] || echo "dovecot-core not installed: dovecot_lmtp.sh will say so" >&2
if [ ${#need[@]} -gt 0 ]; then
    apt-get -o DPkg::Lock::Timeout=900 -qq update >/dev/null
    apt_install "${need[@]}"
fi
bash "$(dirname "$0")/lib/unpack_postfix.sh"
unpack() {  # unpack PACKAGE DIR: the package's files under DIR, once
    [ -f "$2/.unpacked" ] && return 0
    mkdir -p "$GW/debs" "$2"
    (cd "$GW/debs" && rm -f "$1"_*.deb && apt-get -o DPkg::Lock::Timeout=900 -qq download "$1" 2>/dev/null)
    dpkg-deb -x "$(ls "$GW"/debs/"$1"_*.deb | tail -1)" "$2"
    touch "$2/.unpacked"
}
unpack spamd "$GW/sa/root"
unpack dovecot-lmtpd "$GW/dovecot/root"
