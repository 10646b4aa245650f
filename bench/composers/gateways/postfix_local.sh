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
GW=/tmp/sd_composers/gw/postfix
ROOT=$GW/root
PORT=24587
[ -x "$ROOT/usr/sbin/postfix" ] || { echo "missing: postfix under $ROOT (install_mta_gateways.sh)" >&2; exit 3; }
export LD_LIBRARY_PATH=$ROOT/usr/lib/postfix

configure() {  # configure NAME MYDESTINATION EXTRA_MAIN EXTRA_MASTER
    local base=$GW/$1 conf=$GW/$1/conf
    mkdir -p "$conf" "$base/queue" "$base/data" "$base/log" "$GW/mail"
    chmod 1777 "$GW/mail"
    cat > "$conf/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $base/queue
data_directory = $base/data
command_directory = $ROOT/usr/sbin
daemon_directory = $ROOT/usr/lib/postfix/sbin
shlib_directory = $ROOT/usr/lib/postfix
meta_directory = $ROOT/etc/postfix
sendmail_path = $ROOT/usr/sbin/sendmail
newaliases_path = $ROOT/usr/bin/newaliases
mailq_path = $ROOT/usr/bin/mailq
manpage_directory = $ROOT/usr/share/man
mail_owner = mail
setgid_group = news
default_privs = nobody
import_environment = MAIL_CONFIG MAIL_DEBUG MAIL_LOGTAG TZ LANG=C LD_LIBRARY_PATH=$ROOT/usr/lib/postfix
maillog_file = $base/log/maillog
maillog_file_prefixes = $GW
myhostname = $1.gw.localdomain
mydomain = gw.localdomain
myorigin = \$myhostname
mydestination = $2
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
alias_maps = regexp:$conf/aliases.regexp
alias_database =
local_recipient_maps = \$alias_maps
recipient_delimiter = +
biff = no
append_dot_mydomain = no
smtputf8_enable = yes
$3
EOF
    printf '/^gw(@localhost)?$/ %s/gw/\n/^gw7(@localhost)?$/ %s/gw7/\n/^gateway(@localhost)?$/ /dev/null\n' "$GW/mail" "$GW/mail" > "$conf/aliases.regexp"
    cat > "$conf/master.cf" <<EOF
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
$4
EOF
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
