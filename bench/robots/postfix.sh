#!/bin/bash
# Postfix 3.7 (Debian's, unpacked by install_postfix.sh; a private instance under
# /tmp/sd_robots/postfix with its own main.cf, queue and log, no listener) answers our mail the
# way a customer's mail server does: each scenario submits lib/original.py's mail through
# sendmail(1) from support@support.test, Postfix tries to deliver it (to a local user that does not
# exist, a full mailbox, or remote servers played by lib/refusing_smtp.py on ports 24600-24609 that
# refuse, defer or accept it), and the notification Postfix's bounce(8) daemon sends back is
# delivered by local(8) into support's Maildir, from which it is copied to OUTDIR/<case>.eml.
# Usage: postfix.sh OUTDIR
set -u
. "$(dirname "$0")/lib/common.sh"   # PY (the project's venv, aiosmtpd), the shared functions
. "$ROBOTS/../composers/lib/postfix_conf.sh"   # POSTFIX_ROOT, LD_LIBRARY_PATH, postfix_main_cf, postfix_master_cf
ROOT=$POSTFIX_ROOT
BASE=/tmp/sd_robots/postfix
CONF=$BASE/conf
[ -x "$ROOT/usr/sbin/postfix" ] || not_installed "missing: postfix under $ROOT (install_postfix.sh)"

stop() {
    "$ROOT/usr/sbin/postfix" -c "$CONF" stop >/dev/null 2>&1
    stop_servers
}
trap stop EXIT

remote() {  # remote PORT RCPT DATA: a customer's server answering with these codes
    start_refusing "$BASE/remote-$1.log" "$1" --rcpt "$2" --data "$3"
}

"$ROOT/usr/sbin/postfix" -c "$CONF" stop >/dev/null 2>&1
rm -rf "$BASE" && mkdir -p "$CONF" "$BASE/queue" "$BASE/data" "$BASE/log" "$BASE/mail"
chmod 1777 "$BASE/mail"
# A mailbox that is full: a file at the size limit already (local(8) refuses to grow it).
head -c 30000 /dev/zero | tr '\0' 'x' > "$BASE/mail/full.mbox" && chmod 666 "$BASE/mail/full.mbox"
{ postfix_main_cf "$BASE" "$BASE"; cat <<EOF
myhostname = mx.customer.test
mydomain = customer.test
myorigin = \$myhostname
mydestination = support.test, local.customer.test
alias_maps = regexp:$CONF/aliases.regexp
alias_database =
smtp_tls_security_level = none
# The remote servers of the scenarios, by the recipient's domain.
transport_maps = inline:{ rcpt550.test=smtp:[127.0.0.1]:24601, data552.test=smtp:[127.0.0.1]:24602,
    defer450.test=smtp:[127.0.0.1]:24603, accept.test=smtp:[127.0.0.1]:24604, closed.test=smtp:[127.0.0.1]:24605 }
# Retry at once and warn of a delay after a second (the defaults: hours), so that the
# scenarios run in seconds; the notifications are Postfix's own either way.
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
delay_warning_time = 1s
message_size_limit = 20000
mailbox_size_limit = 20001
EOF
} > "$CONF/main.cf"
postfix_master_cf > "$CONF/master.cf"
# local(8) looks aliases up by the local part.
printf '/^support$/ %s/support/\n/^full$/ %s/full.mbox\n' \
    "$BASE/mail" "$BASE/mail" > "$CONF/aliases.regexp"
chown mail "$BASE/data"
"$ROOT/usr/sbin/postfix" -c "$CONF" set-permissions > "$BASE/log/start.log" 2>&1
remote 24601 550 250 && remote 24602 250 552 && remote 24603 450 250 && remote 24604 250 250 || exit 1
"$ROOT/usr/sbin/postfix" -c "$CONF" start >> "$BASE/log/start.log" 2>&1 || { echo "postfix would not start" >&2; exit 1; }

prepare_out "${1:?usage: postfix.sh OUTDIR}"
case_mail() {  # case_mail CASE RCPT VARIANT NOTIFY WHAT EXPECT_JSON [CC]
    local case=$1 rcpt=$2 variant=$3 notify=$4 what=$5 expect=$6 cc=${7:-} id="postfix-$1@support.test"
    local box=$BASE/mail/support/new file
    rm -f "$box"/* 2>/dev/null
    original "$rcpt" "$id" "$variant" "$cc" \
        | "$ROOT/usr/sbin/sendmail" -C "$CONF" -i ${notify:+-N "$notify"} -f support@support.test "$rcpt" $cc
    for _ in $(seq 1 300); do
        for file in "$box"/*; do
            [ -f "$file" ] || continue
            sleep 0.2  # local(8) renames a whole file into new/: it is complete
            # The delivery's own Delivered-To and Return-Path (added by local(8) on our side) are left as they arrive.
            cp "$file" "$OUT/$case.eml"
            expect_line "$case" "$what" "$expect"
            "$ROOT/usr/sbin/postsuper" -c "$CONF" -d ALL >/dev/null 2>&1  # a deferred original: no later bounce
            return 0
        done
        sleep 0.1
    done
    skipped_line "$case" "no notification from Postfix within 30 s (see $BASE/log/maillog)"
    "$ROOT/usr/sbin/postsuper" -c "$CONF" -d ALL >/dev/null 2>&1
}

case_mail unknown_local_user nosuchuser@local.customer.test ack "" "local(8): unknown user" \
    "$(bounce_json nosuchuser@local.customer.test postfix-unknown_local_user@support.test)"
case_mail mailbox_full full@local.customer.test ack "" "local(8): the mailbox file exceeds its size limit" \
    "$(bounce_json full@local.customer.test postfix-mailbox_full@support.test)"
case_mail remote_rcpt_550 ivan@rcpt550.test ack "" "smtp(8): 550 5.1.1 user unknown at RCPT" \
    "$(bounce_json ivan@rcpt550.test postfix-remote_rcpt_550@support.test)"
case_mail remote_data_552 ivan@data552.test attachment "" "smtp(8): 552 5.2.2 mailbox full after DATA, the original with a PDF" \
    "$(bounce_json ivan@data552.test postfix-remote_data_552@support.test)"
case_mail delay_warning ivan@defer450.test reply "" "qmgr(8): 450 at RCPT, retried; delay warning (delay_warning_time)" \
    "$(bounce_json ivan@defer450.test postfix-delay_warning@support.test true)"
case_mail success_notice ivan@accept.test reply success "smtp(8): delivered; a success notification asked for with NOTIFY=SUCCESS" \
    '{"is_bounce": false, "is_auto_reply": true, "is_robot": true}'
case_mail cc_refused ivan@accept.test ack "" "smtp(8): the customer's copy delivered, the Cc'd colleague's refused (550): the report names only her" \
    "$(bounce_json olga@rcpt550.test postfix-cc_refused@support.test)" olga@rcpt550.test
# closed.test: nobody listens. Last, with the queue lifetime cut to 0 (one try, then returned
# to the sender: what Postfix does after 5 days by default).
"$ROOT/usr/sbin/postconf" -c "$CONF" -e maximal_queue_lifetime=0 bounce_queue_lifetime=0
"$ROOT/usr/sbin/postfix" -c "$CONF" reload >> "$BASE/log/start.log" 2>&1
case_mail remote_closed ivan@closed.test ack "" "smtp(8): connection refused, returned when the queue lifetime ends" \
    "$(bounce_json ivan@closed.test postfix-remote_closed@support.test)"
exit 0
