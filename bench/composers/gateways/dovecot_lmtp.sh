#!/bin/bash
# Dovecot 2.3 (Debian's dovecot-core; the lmtp program from Debian's dovecot-lmtpd, unpacked by
# install_mta_gateways.sh under /tmp/sd_composers/gw/dovecot/root, since installing that package
# restarts the system's Dovecot) delivers the mail over LMTP into a Maildir, as an MTA
# hands mail to Dovecot in the wild (Return-Path, Delivered-To and Received added); the
# delivered file is what the recipient's mailbox holds. A private Dovecot (own dovecot.conf,
# base_dir and log under /tmp/sd_composers/gw/dovecot/, protocols = lmtp on a unix socket only,
# no TCP port) is started once and reused (found by its master.pid); the system's Dovecot is
# not touched. Each mail goes to its own user (static userdb, uid nobody) and Maildir.
# Usage: dovecot_lmtp.sh MAILFILE
set -u
GW=/tmp/sd_composers/gw/dovecot
{ [ -x /usr/sbin/dovecot ] && [ -x "$GW/root/usr/lib/dovecot/lmtp" ]; } ||
    { echo "missing: dovecot-core, or dovecot-lmtpd under $GW/root (install_mta_gateways.sh)" >&2; exit 3; }
mkdir -p "$GW"
exec 9> "$GW/start.lock"
flock 9
if ! { [ -s "$GW/run/master.pid" ] && kill -0 "$(cat "$GW/run/master.pid")" 2>/dev/null; }; then
    mkdir -p "$GW/run" "$GW/lmtp_mail"
    chmod 1777 "$GW/lmtp_mail"
    cat > "$GW/lmtp.conf" <<EOF
protocols = lmtp
listen = 127.0.0.1
base_dir = $GW/run
log_path = $GW/lmtp.log
mail_location = maildir:$GW/lmtp_mail/%n
first_valid_uid = 1
ssl = no
auth_mechanisms = plain
service lmtp {
  executable = $GW/root/usr/lib/dovecot/lmtp
  unix_listener lmtp {
    mode = 0600
    user = root
  }
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$GW/lmtp_mail/%n
}
passdb {
  driver = static
  args = nopassword=y
}
EOF
    /usr/sbin/dovecot -c "$GW/lmtp.conf" >> "$GW/start.log" 2>&1
    for _ in $(seq 1 100); do [ -S "$GW/run/lmtp" ] && break; sleep 0.1; done
    [ -S "$GW/run/lmtp" ] || { echo "dovecot would not start (see $GW/start.log, $GW/lmtp.log)" >&2; exit 1; }
fi
flock -u 9
user=gw$(date +%s%N)$$
/usr/bin/python3 - "$GW/run/lmtp" "$user" "$1" <<'EOF' || { echo "dovecot: LMTP delivery to $user failed (see $GW/lmtp.log)" >&2; exit 1; }
import smtplib, sys
sock, user, path = sys.argv[1:4]
with open(path, "rb") as f:
    data = f.read()
with smtplib.LMTP(sock) as lmtp:
    lmtp.sendmail("gateway@localhost", [f"{user}@localhost"], data)
EOF
shopt -s nullglob
delivered=("$GW/lmtp_mail/$user"/new/* "$GW/lmtp_mail/$user"/cur/*)
[ ${#delivered[@]} -eq 1 ] || { echo "dovecot: $user's mail not in $GW/lmtp_mail/$user (see $GW/lmtp.log)" >&2; exit 1; }
cat "${delivered[0]}" > "$1"
rm -rf "${GW:?}/lmtp_mail/$user"
