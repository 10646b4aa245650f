#!/bin/bash
# Postfix 3.7 (Debian's postfix package, unpacked by install_mta_gateways.sh under
# /tmp/sd_composers/gw/postfix/root so it does not replace the system's MTA) carries the mail:
# sendmail(1) -> postdrop -> pickup -> cleanup -> qmgr -> local(8), which delivers it into a
# Maildir (the alias gw: /tmp/sd_composers/gw/postfix/mail/gw/); the delivered file is what
# the recipient's mailbox holds. A private instance (own main.cf/master.cf, queue, log; no listener on port 25) is started
# once under /tmp/sd_composers/gw/postfix/ and reused (found by its master.pid); it runs as
# the existing users mail (mail_owner) and nobody, group news as setgid_group (no new accounts).
# POSTFIX_GW_HOP=7bit (postfix_7bit.sh): the mail first goes through a second instance whose
# smtp client relays it to the first one's smtpd on 127.0.0.1:24587, which announces neither
# 8BITMIME nor SMTPUTF8 (smtpd_discard_ehlo_keywords; Postfix takes SMTPUTF8 to imply 8BITMIME),
# and the mail is submitted as BODY=8BITMIME (sendmail -B), so Postfix downgrades 8-bit MIME
# parts to quoted-printable on that hop as it does in the wild. The front instance does not
# flag mail with raw UTF-8 headers as SMTPUTF8 (smtputf8_autodetect_classes = verify only, as for a
# client that submits over SMTP without SMTPUTF8): else Postfix would bounce it on that hop.
# Usage: postfix_local.sh MAILFILE
set -u
. "$(dirname "$0")/../lib/postfix_conf.sh"   # POSTFIX_ROOT, LD_LIBRARY_PATH, postfix_main_cf, postfix_master_cf
GW=/tmp/sd_composers/gw/postfix
ROOT=$POSTFIX_ROOT
PORT=24587
[ -x "$ROOT/usr/sbin/postfix" ] || { echo "missing: postfix under $ROOT (install_mta_gateways.sh)" >&2; exit 3; }

configure() {  # configure NAME MYDESTINATION EXTRA_MAIN EXTRA_MASTER
    local base=$GW/$1 conf=$GW/$1/conf
    mkdir -p "$conf" "$base/queue" "$base/data" "$base/log" "$GW/mail"
    chmod 1777 "$GW/mail"
    { postfix_main_cf "$base" "$GW"; cat <<EOF
myhostname = $1.gw.localdomain
mydomain = gw.localdomain
myorigin = \$myhostname
mydestination = $2
mynetworks = 127.0.0.0/8
alias_maps = regexp:$conf/aliases.regexp
alias_database =
local_recipient_maps = \$alias_maps
recipient_delimiter = +
append_dot_mydomain = no
$3
EOF
    } > "$conf/main.cf"
    printf '/^gw(@localhost)?$/ %s/gw/\n/^gw7(@localhost)?$/ %s/gw7/\n/^gateway(@localhost)?$/ /dev/null\n' "$GW/mail" "$GW/mail" > "$conf/aliases.regexp"
    { postfix_master_cf; printf '%s\n' "$4"; } > "$conf/master.cf"
    chown mail "$base/data"
    "$ROOT/usr/sbin/postfix" -c "$conf" set-permissions >> "$base/log/start.log" 2>&1
}

running() {  # running NAME: its master is up
    local pid=$GW/$1/queue/pid/master.pid
    [ -s "$pid" ] && kill -0 "$(tr -d ' ' < "$pid")" 2>/dev/null
}

start() {  # start NAME: the instance's master (configured just before by configure)
    local base=$GW/$1
    "$ROOT/usr/sbin/postfix" -c "$base/conf" start >> "$base/log/start.log" 2>&1 || {
        echo "postfix $1 would not start (script -qc \"LD_LIBRARY_PATH=$LD_LIBRARY_PATH $ROOT/usr/sbin/postfix -c $base/conf start\" shows why)" >&2; return 1; }
}

setup() {
    running local || { configure local localhost "" \
        "127.0.0.1:$PORT inet n - n - - smtpd -o smtpd_discard_ehlo_keywords=8bitmime,smtputf8 -o smtpd_recipient_restrictions=permit_mynetworks,reject"
        start local || return 1; }
    if [ "${POSTFIX_GW_HOP:-}" = 7bit ]; then
        running front || { configure front "" \
            "default_transport = smtp:[127.0.0.1]:$PORT
relay_transport = smtp:[127.0.0.1]:$PORT
smtputf8_autodetect_classes = verify
smtp_tls_security_level = none" ""
            start front || return 1; }
    fi
}

mkdir -p "$GW" && exec 9> "$GW.lock"
flock 9
setup || exit 1
flock -u 9

instance=local box=gw
bodytype=
[ "${POSTFIX_GW_HOP:-}" = 7bit ] && instance=front box=gw7 bodytype="-B 8BITMIME"
# One mail at a time per mailbox: the file that arrives in its new/ is this one.
exec 8> "$GW/mail/$box.lock"
flock 8
shopt -s nullglob
rm -f "$GW/mail/$box"/new/*
"$ROOT/usr/sbin/sendmail" -C "$GW/$instance/conf" -i $bodytype -f "gateway@localhost" "$box@localhost" < "$1" || exit 1
for _ in $(seq 1 3000); do
    delivered=("$GW/mail/$box"/new/*)
    if [ ${#delivered[@]} -gt 0 ]; then
        cat "${delivered[0]}" > "$1"
        rm -f "${delivered[@]}"
        exit 0
    fi
    sleep 0.01
done
echo "postfix: $box@localhost not delivered within 30 s (see $GW/$instance/log/maillog)" >&2
exit 1
