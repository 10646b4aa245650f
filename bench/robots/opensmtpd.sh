#!/bin/bash
# OpenSMTPD 6.8 (Debian's opensmtpd, unpacked by install_opensmtpd.sh under
# /tmp/sd_robots/opensmtpd/root) bounces our mail and warns of its delay; each DSN is the one
# smtpd itself writes and delivers into the sender's Maildir.
#
# Setup: a private smtpd (`smtpd -d -f run/smtpd.conf`, foreground, killed at the end) listens on
# 127.0.0.1:24630 only; our original is submitted to it over SMTP from support@support.test; mail
# for any other domain is relayed to `host smtp://127.0.0.1:PORT` where lib/refusing_smtp.py
# refuses or defers it (one smtpd and one port per scenario, 24631-24633: smtpd keeps idle
# connections to a relay host open and would reuse the previous scenario's after it stopped);
# support@support.test is a virtual user mapped to the existing user mail, delivered to the
# Maildir run/Maildir (mail.maildir, as mail). `bounce warn-interval 5s` makes the delay
# warning come after 5 seconds instead of 4 hours.
#
# smtpd has compiled-in paths and accounts: it refuses to start without the users/groups
# opensmtpd and opensmtpq, and uses /var/spool/smtpd, /var/lib/opensmtpd/empty (chroot),
# /usr/libexec/opensmtpd (delivery agents) and /run/smtpd.sock. No account is created and no
# system path is touched: this script re-executes itself in a private mount + UTS namespace
# (unshare -m -u) where /etc/passwd and /etc/group are bind-mounted copies that add those two
# names on the existing uids/gids of nobody (opensmtpd) and daemon (opensmtpq), /var/spool is
# run/spool, /var/lib, /run and /usr/libexec are empty tmpfs (the latter with the unpacked
# /usr/libexec/opensmtpd bind-mounted in), and the host name is mx.support.test. All of it
# disappears with the namespace's processes.
#
# Cases:
#   remote_rcpt_550    the remote refuses the recipient (550 5.1.1): permanent failure DSN;
#   remote_data_552    RCPT accepted, the message refused after DATA (552 5.2.2), mail with a PDF;
#   unknown_local_user skipped when smtpd refuses the recipient in the SMTP dialogue (no DSN);
#   delay_warning      the remote defers (450 4.2.1); smtpd warns the sender (warn-interval 5s)
#                      as soon as its next retry is due after those 5 seconds.
# The .eml is the Maildir file as mail.maildir wrote it.
# Usage: opensmtpd.sh OUTDIR
set -u
OUT=${1:?usage: opensmtpd.sh OUTDIR}
. "$(dirname "$0")/lib/common.sh"   # PY (the project's venv, aiosmtpd), the shared functions
BASE=/tmp/sd_robots/opensmtpd
ROOT=$BASE/root
RUN=$BASE/run
PORT=24630

if [ -z "${SD_OPENSMTPD_INNER:-}" ]; then
    # --- outside the namespace: checks, fresh run directory, then re-exec inside ---------
    [ -x "$ROOT/usr/sbin/smtpd" ] || not_installed "missing: opensmtpd under $ROOT (bench/robots/install_opensmtpd.sh)"
    command -v unshare >/dev/null || not_installed "missing: unshare (util-linux)"
    lock_run "$BASE/.lock"
    prepare_out "$OUT"
    rm -rf "$RUN" && mkdir -p "$RUN/spool" "$RUN/Maildir"
    chown mail:mail "$RUN/Maildir"
    cp /etc/passwd "$RUN/passwd" && cp /etc/group "$RUN/group"
    echo "opensmtpd:x:$(id -u nobody):$(id -g nobody):OpenSMTPD (this namespace only):/var/lib/opensmtpd/empty:/usr/sbin/nologin" >> "$RUN/passwd"
    echo "opensmtpq:x:$(id -u daemon):$(id -g daemon):OpenSMTPD queue (this namespace only):/var/lib/opensmtpd/empty:/usr/sbin/nologin" >> "$RUN/passwd"
    echo "opensmtpd:x:$(id -g nobody):" >> "$RUN/group"
    echo "opensmtpq:x:$(id -g daemon):" >> "$RUN/group"
    SD_OPENSMTPD_INNER=1 exec unshare -m -u --propagation private bash "$0" "$OUT"
fi

# --- inside the private namespace ----------------------------------------------------------
hostname mx.support.test
mount --bind "$RUN/passwd" /etc/passwd
mount --bind "$RUN/group" /etc/group
mount --bind "$RUN/spool" /var/spool
mount -t tmpfs tmpfs /var/lib && mkdir -p /var/lib/opensmtpd/empty
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /usr/libexec && mkdir /usr/libexec/opensmtpd \
    && mount --bind "$ROOT/usr/libexec/opensmtpd" /usr/libexec/opensmtpd

SMTPD_PID=
smtpd_stop() {
    [ -n "$SMTPD_PID" ] && kill "$SMTPD_PID" 2>/dev/null && wait "$SMTPD_PID" 2>/dev/null
    SMTPD_PID=
}
cleanup() {
    stop_servers
    smtpd_stop
}
trap cleanup EXIT

smtpd_start() {  # smtpd_start RELAY_PORT: a fresh smtpd whose relay host is 127.0.0.1:RELAY_PORT
    smtpd_stop
    cat > "$RUN/smtpd.conf" <<EOF
bounce warn-interval 5s
table vusers { "support@support.test" = "mail", "postmaster@support.test" = "mail" }
listen on 127.0.0.1 port $PORT
action "local" maildir "$RUN/Maildir" virtual <vusers>
action "relay" relay host smtp://127.0.0.1:$1
match from any for domain "support.test" action "local"
match from any for any action "relay"
EOF
    "$ROOT/usr/sbin/smtpd" -n -f "$RUN/smtpd.conf" > "$RUN/check.log" 2>&1 || { echo "smtpd.conf: $(cat "$RUN/check.log")" >&2; return 1; }
    "$ROOT/usr/sbin/smtpd" -d -f "$RUN/smtpd.conf" >> "$RUN/smtpd.log" 2>&1 &
    SMTPD_PID=$!
    for _ in $(seq 1 100); do
        python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 1).close()" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "smtpd did not start (see $RUN/smtpd.log): $(tail -3 "$RUN/smtpd.log")" >&2
    return 1
}

refuser_start() {  # refuser_start PORT ARGS...: lib/refusing_smtp.py (in place of the previous one), once it listens
    stop_servers
    start_refusing "$RUN/refuser.log" "$@"
}

submit() {  # submit CASE TO VARIANT: our original to smtpd over SMTP; prints the server's refusal if any
    original "$2" "opensmtpd-$1@support.test" "$3" > "$RUN/$1.orig"
    python3 - "$PORT" "$2" "$RUN/$1.orig" <<'PYEOF'
import smtplib, sys
port, to, path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
try:
    with smtplib.SMTP("127.0.0.1", port, local_hostname="app.support.test", timeout=30) as s:
        s.sendmail("support@support.test", [to], open(path, "rb").read())
except smtplib.SMTPRecipientsRefused as e:
    code, msg = e.recipients[to]
    print(f"{code} {msg.decode(errors='replace')}")
PYEOF
}

collect() {  # collect CASE WHAT EXPECT_JSON: the one new file in the Maildir -> OUTDIR/CASE.eml
    local files=()
    shopt -s nullglob
    for _ in $(seq 1 300); do
        files=("$RUN"/Maildir/new/*)
        [ ${#files[@]} -gt 0 ] && break
        sleep 0.1
    done
    sleep 0.5
    files=("$RUN"/Maildir/new/*)
    if [ ${#files[@]} -ne 1 ]; then
        skipped_line "$1" "${#files[@]} messages delivered instead of 1 (see $RUN/smtpd.log)"
        mkdir -p "$RUN/$1.maildir" && mv "${files[@]}" "$RUN/$1.maildir/" 2>/dev/null
        return 0
    fi
    cat "${files[0]}" > "$OUT/$1.eml"
    mv "${files[0]}" "$RUN/$1.delivered"
    expect_line "$1" "$2" "$3"
}

# 1. remote_rcpt_550: relayed to a server that refuses the recipient.
smtpd_start 24631 && refuser_start 24631 --rcpt 550 || exit 1
submit remote_rcpt_550 ivan@customer.test ack
collect remote_rcpt_550 "OpenSMTPD 6.8 DSN: remote server refused RCPT with 550 5.1.1 (our ack relayed)" \
    "$(bounce_json ivan@customer.test opensmtpd-remote_rcpt_550@support.test)"

# 2. remote_data_552: RCPT accepted, the message refused after DATA (mailbox full).
smtpd_start 24632 && refuser_start 24632 --rcpt 250 --data 552 || exit 1
submit remote_data_552 ivan@customer.test attachment
collect remote_data_552 "OpenSMTPD 6.8 DSN: remote server refused the message after DATA with 552 5.2.2 (reply with PDF)" \
    "$(bounce_json ivan@customer.test opensmtpd-remote_data_552@support.test)"
stop_servers

# 3. unknown_local_user: smtpd checks local recipients while receiving; a refusal in the SMTP
# dialogue goes to the client, no DSN is written.
refusal=$(submit unknown_local_user olga.ivanova@support.test ack)
if [ -n "$refusal" ]; then
    skipped_line unknown_local_user "OpenSMTPD refuses an unknown local recipient in the SMTP dialogue ($refusal) and writes no DSN"
else
    collect unknown_local_user "OpenSMTPD 6.8 DSN: local recipient unknown" \
        "$(bounce_json olga.ivanova@support.test opensmtpd-unknown_local_user@support.test)"
fi

# 4. delay_warning: the remote defers. On a temporary failure smtpd's scheduler queues the
# warning as soon as the next retry falls after creation + warn-interval (5 s), which it does
# at the first failure already: the warning comes at once, no retry needs to be forced.
smtpd_start 24633 && refuser_start 24633 --rcpt 450 || exit 1
submit delay_warning ivan@customer.test ack
collect delay_warning "OpenSMTPD 6.8 delay warning: remote defers with 450 4.2.1, bounce warn-interval 5s" \
    "$(bounce_json ivan@customer.test opensmtpd-delay_warning@support.test true)"
cleanup
exit 0
