#!/bin/bash
# Sendmail 8.17 (Debian's sendmail-bin, unpacked by install_sendmail.sh under
# /tmp/sd_robots/sendmail/root) bounces our mail and warns of its delay; each DSN is the one
# Sendmail itself writes and delivers into the sender's local mailbox.
#
# Setup: a private .cf is built at run time with m4 from sendmail-cf's macros (OSTYPE linux,
# own queue/alias/status files under /tmp/sd_robots/sendmail/run, support.test as a local domain,
# Timeout.queuewarn=5s, every remote domain relayed to the smart host [127.0.0.1] whose port is
# the esmtp mailer's). Sendmail is run as root with -C (never as a daemon, nothing listens),
# submitting our original with `sendmail -C cf -Am -odi -oem -f support@support.test RCPT`
# (interactive delivery, errors mailed back). The bounce goes to support@support.test, a local
# alias to the mbox file run/mail/support.mbox (file delivery as the user mail). The remote end
# is lib/refusing_smtp.py on ports 24620-24622. Sendmail qualifies its own host name at start and
# waits 60 s when the machine's is unqualified ("vm"), so every call runs in a private UTS
# namespace (unshare -u) whose host name is mx.support.test; the system is not touched.
#
# Cases:
#   remote_rcpt_550    the remote refuses the recipient (550 5.1.1): permanent failure DSN;
#   remote_data_552    the remote accepts RCPT, refuses after DATA (552 5.2.2), mail with a PDF;
#   unknown_local_user to olga.ivanova@support.test, a local user that does not exist (User unknown);
#   delay_warning      the remote defers (450 4.2.1); after Timeout.queuewarn (5 s) a queue run
#                      (sendmail -q) sends "Warning: could not send message for past 5 seconds".
# The .eml is the mbox message without the leading "From " line and the blank line the mbox
# format adds after each message.
# Usage: sendmail.sh OUTDIR
set -u
. "$(dirname "$0")/lib/common.sh"   # PY (the project's venv, aiosmtpd), the shared functions
BASE=/tmp/sd_robots/sendmail
ROOT=$BASE/root
SM=$ROOT/usr/libexec/sendmail/sendmail
CFDIR=$ROOT/usr/share/sendmail/cf
RUN=$BASE/run
[ -x "$SM" ] && [ -d "$CFDIR/m4" ] || not_installed "missing: sendmail under $ROOT (bench/robots/install_sendmail.sh)"
command -v m4 >/dev/null || not_installed "missing: m4 (bench/robots/install_sendmail.sh)"
command -v unshare >/dev/null || not_installed "missing: unshare (util-linux)"

lock_run "$BASE/.lock"
prepare_out "${1:?usage: sendmail.sh OUTDIR}"
trap stop_servers EXIT

# --- the private configuration -------------------------------------------------------------
rm -rf "$RUN" && mkdir -p "$RUN/queue" "$RUN/mail"
chown mail:mail "$RUN/mail"   # file delivery runs as DefaultUser (mail)
touch "$RUN/statistics"
printf 'hosts files\naliases files\n' > "$RUN/service.switch"    # no DNS
printf 'support: %s/mail/support.mbox\nMAILER-DAEMON: support\npostmaster: support\n' "$RUN" > "$RUN/aliases"
cat > "$RUN/sm.mc" <<EOF
divert(0)dnl
OSTYPE(\`linux')dnl
define(\`confCF_VERSION', \`sd-robots')dnl
define(\`confDOMAIN_NAME', \`mx.support.test')dnl
define(\`QUEUE_DIR', \`$RUN/queue')dnl
define(\`ALIAS_FILE', \`$RUN/aliases')dnl
define(\`HELP_FILE', \`$ROOT/etc/mail/helpfile')dnl
define(\`STATUS_FILE', \`$RUN/statistics')dnl
define(\`confPID_FILE', \`$RUN/sendmail.pid')dnl
define(\`confHOST_STATUS_DIRECTORY', \`')dnl
define(\`confSERVICE_SWITCH_FILE', \`$RUN/service.switch')dnl
define(\`confDONT_PROBE_INTERFACES', \`True')dnl
define(\`confDEF_USER_ID', \`mail:mail')dnl
define(\`confDONT_BLAME_SENDMAIL', \`TrustStickyBit')dnl
define(\`confTO_QUEUEWARN', \`5s')dnl
define(\`SMART_HOST', \`esmtp:[127.0.0.1]')dnl
define(\`ESMTP_MAILER_ARGS', \`TCP \$h @PORT@')dnl
FEATURE(\`nocanonify')dnl
LOCAL_DOMAIN(\`support.test')dnl
MAILER(\`local')dnl
MAILER(\`smtp')dnl
EOF
(cd "$CFDIR/m4" && m4 "$CFDIR/m4/cf.m4" "$RUN/sm.mc") > "$RUN/sm.cf.in" || { echo "m4 failed" >&2; exit 1; }

sm() {  # sm PORT ARGS...: sendmail with the .cf whose smart host listens on PORT
    sed "s/@PORT@/$1/" "$RUN/sm.cf.in" > "$RUN/sm-$1.cf"
    local cf=$RUN/sm-$1.cf
    shift
    unshare -u sh -c 'hostname mx.support.test && exec "$@"' sh timeout 60 "$SM" -C "$cf" "$@"
}
sm 24620 -bi > "$RUN/newaliases.log" 2>&1 || { echo "sendmail -bi failed: $(cat "$RUN/newaliases.log")" >&2; exit 1; }

refuser() {  # refuser PORT ARGS...: lib/refusing_smtp.py (in place of the previous one), once it listens
    stop_servers
    start_refusing "$RUN/refuser.log" "$@"
}

submit() {  # submit PORT CASE TO VARIANT: our original, delivered at once (-odi), errors mailed back
    original "$3" "sendmail-$2@support.test" "$4" > "$RUN/$2.orig"
    sm "$1" -Am -odi -oem -i -f support@support.test "$3" < "$RUN/$2.orig" > "$RUN/$2.submit.log" 2>&1
    return 0   # its exit status is the failure (67, 75...): the DSN is what matters
}

collect() {  # collect CASE WHAT EXPECT_JSON: the one message in support.mbox -> OUTDIR/CASE.eml
    local mbox=$RUN/mail/support.mbox
    for _ in $(seq 1 100); do [ -s "$mbox" ] && break; sleep 0.1; done
    if [ ! -s "$mbox" ]; then
        skipped_line "$1" "sendmail delivered no DSN (see $RUN/$1.submit.log)"
        return 0
    fi
    local n
    n=$(grep -c '^From ' "$mbox")
    if [ "$n" != 1 ]; then
        skipped_line "$1" "$n messages in the mailbox instead of 1"
        mv "$mbox" "$RUN/$1.mbox"
        return 0
    fi
    # Drop the mbox framing only: the first line ("From MAILER-DAEMON date") and the empty
    # line that ends the message in the mbox file.
    python3 - "$mbox" "$OUT/$1.eml" <<'PYEOF'
import sys
data = open(sys.argv[1], "rb").read()
data = data.split(b"\n", 1)[1]
if data.endswith(b"\n\n"):
    data = data[:-1]
open(sys.argv[2], "wb").write(data)
PYEOF
    mv "$mbox" "$RUN/$1.mbox"
    expect_line "$1" "$2" "$3"
}

# 1. remote_rcpt_550: relayed to a server that refuses the recipient.
refuser 24620 --rcpt 550 || exit 1
submit 24620 remote_rcpt_550 ivan@customer.test ack
collect remote_rcpt_550 "Sendmail 8.17 DSN: remote server refused RCPT with 550 5.1.1 (our ack relayed via smart host)" \
    "$(bounce_json ivan@customer.test sendmail-remote_rcpt_550@support.test)"

# 2. remote_data_552: RCPT accepted, the message refused after DATA (mailbox full).
refuser 24621 --rcpt 250 --data 552 || exit 1
submit 24621 remote_data_552 ivan@customer.test attachment
collect remote_data_552 "Sendmail 8.17 DSN: remote server refused the message after DATA with 552 5.2.2 (reply with PDF)" \
    "$(bounce_json ivan@customer.test sendmail-remote_data_552@support.test)"
stop_servers

# 3. unknown_local_user: a recipient in Sendmail's own domain with no such user or alias.
submit 24620 unknown_local_user olga.ivanova@support.test ack
collect unknown_local_user "Sendmail 8.17 DSN: local recipient unknown (550 5.1.1 User unknown)" \
    "$(bounce_json olga.ivanova@support.test sendmail-unknown_local_user@support.test)"

# 4. delay_warning: the remote defers; the message waits in the queue past Timeout.queuewarn
# (5 s) and the next queue run, still deferred, sends the warning.
refuser 24622 --rcpt 450 || exit 1
submit 24622 delay_warning ivan@customer.test ack
if [ -s "$RUN/mail/support.mbox" ]; then
    skipped_line delay_warning "a DSN came before the queue run"
else
    sleep 6
    sm 24622 -q > "$RUN/delay_warning.queuerun.log" 2>&1
    collect delay_warning "Sendmail 8.17 delay warning: remote defers with 450 4.2.1, Timeout.queuewarn passed, queue run" \
        "$(bounce_json ivan@customer.test sendmail-delay_warning@support.test true)"
fi
stop_servers
# The deferred original stays queued: drop it (the next run rebuilds $RUN anyway).
rm -f "$RUN"/queue/*
exit 0
