#!/bin/bash
# Bounces written by the DragonFly Mail Agent (Debian's dma 0.13, unpacked by install_dma.sh
# under /tmp/sd_robots/dma/root; never installed as the system MTA).
#
# What runs: our mail (lib/original.py) is handed to dma's sendmail interface
# (`dma -D -i -f support@support.test ivan@customer.test`, as a local program on our server
# would hand it over), dma relays it to its SMARTHOST, a lib/refusing_smtp.py on 127.0.0.1
# that refuses it, and dma writes its own "Mail delivery failed" bounce (dma.c bounce(), in
# mail.c) and delivers it locally, to the sender's mbox: that mbox is what we read.
#
# How dma is made private: its config path is compiled in (/etc/dma/dma.conf, no option or
# environment variable chooses another one), and so is the mailbox directory (/var/mail).
# Each dma run therefore happens in a private mount namespace (`unshare -m`, visible to no
# other process): /etc is overlaid read-only with /tmp/sd_robots/dma/run/etc, which holds
# only dma/dma.conf, and /var/mail is bind-mounted from /tmp/sd_robots/dma/run/mail. The
# config sets SPOOLDIR and ALIASES under /tmp/sd_robots/dma/run too. dma started as root
# drops to the user mail (its compiled-in DMA_ROOT_USER) at once, as on a Debian system.
#
# Where the bounce goes: dma sends it to the envelope sender. dma delivers an address
# locally when its domain is the host's mail name, so MAILNAME is support.test (our sender
# domain: dma is the MTA of our support server); the bounce is addressed to
# support@support.test, which the private aliases file maps to the existing user mail, whose
# mbox (/var/mail/mail in the namespace) is pre-created so dma-mbox-create (its setuid
# helper) is never needed. We strip the mbox "From MAILER-DAEMON <date>" line dma writes
# before the message, nothing else.
#
# Cases (ports 24640-24642):
#  remote_rcpt_550: smarthost answers RCPT with 550 5.1.1 -> immediate bounce (ack variant);
#  remote_data_552: smarthost accepts RCPT, answers DATA with 552 5.2.2 (attachment variant);
#  unreachable: nothing listens on the smarthost port. dma retries a temporary failure with
#    backoff (5 min, growing) and gives up when the queue file is older than MAX_TIMEOUT
#    (5 days, compiled in): "Could not deliver for the last 432000 seconds. Giving up."
#    To get there in seconds, while the delivering dma sleeps after its first failed
#    attempt, we set its queue file's mtime 6 days back (what 5 days of retries would show)
#    and run `dma -q` (the queue flush cron runs), which wakes the sleeping delivery
#    (within its 30 s sleep slice); it retries, fails, sees the age and bounces;
#  delay_warning: skipped, dma sends no delay warnings (only the final bounce).
# Usage: dma.sh OUTDIR
set -u
. "$(dirname "$0")/lib/common.sh"   # PY (the project's venv, aiosmtpd), the shared functions
BASE=/tmp/sd_robots/dma
ROOT=$BASE/root
DMA=$ROOT/usr/sbin/dma
RUN=$BASE/run
DIR=${1:?usage: dma.sh OUTDIR}
[ -x "$DMA" ] || not_installed "dma is not installed: run bench/robots/install_dma.sh"
command -v unshare >/dev/null || not_installed "unshare (util-linux) is missing"

# One run at a time (the private spool, mailbox and ports are shared by runs).
lock_run "$BASE.lock" 150
prepare_out "$DIR" remote_rcpt_550 remote_data_552 unreachable delay_warning
trap stop_servers EXIT

setup_run() {  # setup_run PORT: fresh private config, spool and mailbox for one case
    stop_servers  # left over by a case that failed half-way
    rm -rf "$RUN"
    mkdir -p "$RUN/etc/dma" "$RUN/spool" "$RUN/mail"
    cat > "$RUN/etc/dma/dma.conf" <<EOF
# Private dma.conf (seen as /etc/dma/dma.conf in dma's mount namespace only).
SMARTHOST 127.0.0.1
PORT $1
ALIASES $RUN/aliases
SPOOLDIR $RUN/spool
MAILNAME support.test
EOF
    echo "support: mail" > "$RUN/aliases"
    chown mail:mail "$RUN/spool"
    : > "$RUN/mail/mail"
    chown mail:mail "$RUN/mail/mail" && chmod 600 "$RUN/mail/mail"
}

in_ns() {  # in_ns CMD...: run CMD where /etc/dma/dma.conf and /var/mail are the private ones
    unshare -m sh -c 'mount -t overlay sd_robots_dma -o "lowerdir=$1/etc:/etc" /etc &&
        mount --bind "$1/mail" /var/mail && shift && exec "$@"' sh "$RUN" "$@"
}

our_mail() {  # our_mail CASE VARIANT: our mail, LF line ends as a local program hands it to sendmail
    original_lf ivan@customer.test "dma-$1@support.test" "$2" > "$RUN/original.eml"
}

collect() {  # collect CASE WHAT: the bounce from the mbox into OUTDIR, and its expectation
    local box=$RUN/mail/mail
    if ! head -n 1 "$box" | grep -q '^From MAILER-DAEMON'; then
        echo "dma.sh: $1: no bounce in the sender's mbox (dma logs to syslog only)" >&2
        return 1
    fi
    tail -n +2 "$box" > "$OUT/$1.eml"
    expect_line "$1" "$2" "$(bounce_json ivan@customer.test "dma-$1@support.test")"
}

wait_mbox() {  # wait_mbox SECONDS: until dma has appended the bounce
    for _ in $(seq 1 $(($1 * 10))); do
        [ -s "$RUN/mail/mail" ] && { sleep 0.2; return 0; }
        sleep 0.1
    done
    return 1
}

made=0
# 1. remote_rcpt_550 and 2. remote_data_552: dma -D delivers in the foreground and, on a 5xx,
# bounces at once (the bounce is delivered by the same process before it exits).
run_refused() {  # run_refused CASE VARIANT PORT RCPT DATA WHAT
    setup_run "$3"
    start_refusing "$RUN/server-$3.out" "$3" --rcpt "$4" --data "$5" || return 1
    our_mail "$1" "$2"
    in_ns "$DMA" -D -i -f support@support.test ivan@customer.test < "$RUN/original.eml"
    wait_mbox 10
    stop_servers
    collect "$1" "$6"
}
run_refused remote_rcpt_550 ack 24640 550 250 \
    "dma relays our ack to a smarthost that refuses the recipient (RCPT 550 5.1.1): dma bounce" \
    && made=$((made + 1)) || case_failed remote_rcpt_550
run_refused remote_data_552 attachment 24641 250 552 \
    "dma relays our reply with a PDF to a smarthost that refuses it after DATA (552 5.2.2 mailbox full): dma bounce" \
    && made=$((made + 1)) || case_failed remote_data_552

# 3. unreachable: nothing listens on 24642 (checked), dma defers, then gives up (see above).
run_unreachable() {
    setup_run 24642
    port_is_closed 24642 || return 1
    our_mail unreachable ack
    in_ns "$DMA" -D -i -f support@support.test ivan@customer.test < "$RUN/original.eml" &
    local pid=$! q=
    for _ in $(seq 1 50); do
        q=$(ls "$RUN"/spool/Q* 2>/dev/null | head -n 1)
        [ -n "$q" ] && break
        sleep 0.1
    done
    [ -n "$q" ] || { echo "dma.sh: unreachable: no queue file" >&2; kill "$pid"; return 1; }
    sleep 1  # the first attempt (connection refused) is over: dma now sleeps before retrying
    touch -d '6 days ago' "$q"
    in_ns "$DMA" -D -q
    if ! wait_mbox 60; then
        kill "$pid" 2>/dev/null
        echo "dma.sh: unreachable: dma did not give up within 60 s" >&2; return 1
    fi
    wait "$pid"
    collect unreachable "dma cannot connect to its smarthost (port closed) and gives up after its 5-day limit (queue file aged): dma bounce"
}
run_unreachable && made=$((made + 1)) || case_failed unreachable

skipped_line delay_warning "dma sends no delay warnings: it retries silently and only bounces when it gives up"
[ "$made" -gt 0 ] || { echo "dma.sh: no case came out" >&2; exit 1; }
exit 0
