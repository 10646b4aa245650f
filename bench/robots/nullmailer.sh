#!/bin/bash
# Bounces written by nullmailer 2.2 (Debian's nullmailer package, unpacked by
# install_nullmailer.sh under /tmp/sd_robots/nullmailer/root; never installed as the system MTA).
#
# What runs, the whole nullmailer chain, unmodified:
#  1. our mail (lib/original.py) goes in through nullmailer's sendmail (-> nullmailer-inject ->
#     nullmailer-queue, which writes it to the queue), as a local program would send it;
#  2. nullmailer-send (one pass: pausetime 0) hands it to its smtp protocol module for the
#     smarthost in `remotes`, a lib/refusing_smtp.py on 127.0.0.1. When the module reports a
#     permanent failure, or a temporary one for a message older than queuelifetime,
#     nullmailer-send moves the message to failed/ and pipes it through
#     `nullmailer-dsn --last-attempt T --remote HOST --diagnostic-code "SMTP; <reply>" STATUS`
#     (STATUS: the first d.d.d in the reply, else 5.0.0) into nullmailer-queue: the bounce,
#     an RFC 3464 multipart/report addressed to the sender, lands in the queue;
#  3. a second nullmailer-send pass, with `remotes` now naming a small capturing SMTP server
#     (lib/capture_smtp.py; in the wild the smarthost accepts mail for our own address), sends the
#     bounce out (MAIL FROM:<>, RCPT TO:<support@support.test>, checked); the DATA it received, byte for
#     byte, is the .eml (nothing added: no Received/Return-Path of a final delivery).
#
# How nullmailer is made private: its paths are compiled in (/etc/nullmailer,
# /var/spool/nullmailer, /usr/lib/nullmailer...), but nullmailer 2.x reads them under
# $NULLMAILER_TEST_PREFIX when that variable is set (lib/config_path.cc; used by its own test
# suite), as PREFIX/conf, PREFIX/queue/{queue,tmp,failed,trigger}, PREFIX/protocols,
# PREFIX/bin and PREFIX/sbin; Debian's mailname is read as PREFIX/conf/../mailname. The
# prefix is /tmp/sd_robots/nullmailer/run, with bin, sbin and protocols linking to the
# unpacked package. The variable is ignored by a setuid program run by another user
# (nullmailer-queue is setuid mail), so every program runs as the user mail (setpriv).
# mailname is support.test: nullmailer is our support server's MTA.
#
# Cases (ports 24643-24647):
#  remote_rcpt_550: RCPT answered 550 5.1.1 -> failure DSN, Status 5.1.1 (ack variant);
#  remote_data_552: DATA answered 552 5.2.2 -> failure DSN, Status 5.2.2 (attachment variant;
#    nullmailer-dsn copies only the original's header by default, bouncelines 0);
#  unreachable: nothing listens on the smarthost port; queuelifetime (the documented control
#    file; default 7 days) is 1 s, so the first pass after 2 s gives up: failure DSN 5.0.0;
#  expired_450: RCPT answered 450 4.2.1 until queuelifetime (1 s) is over: nullmailer-send gives
#    up (moves the message to failed/, never retries it) but takes the status from the reply,
#    4.2.1, so nullmailer-dsn words it as a delay notification ("has not been delivered",
#    Action: delayed, "A final delivery status notification will be generated"): no final
#    DSN ever follows. bounce_delayed is left out of its expectation (the text says delayed,
#    nullmailer gave up);
#  delay_warning: skipped, nullmailer-send sends no delay warnings while it retries.
# Usage: nullmailer.sh OUTDIR
set -u
. "$(dirname "$0")/lib/common.sh"   # PY (the project's venv, aiosmtpd), the shared functions
BASE=/tmp/sd_robots/nullmailer
ROOT=$BASE/root
RUN=$BASE/run
CAPTURE_PORT=24646
DIR=${1:?usage: nullmailer.sh OUTDIR}
[ -x "$ROOT/usr/sbin/nullmailer-send" ] || not_installed "nullmailer is not installed: run bench/robots/install_nullmailer.sh"
command -v setpriv >/dev/null || not_installed "setpriv (util-linux) is missing"

# One run at a time (the private queue and the ports are shared by runs).
lock_run "$BASE.lock" 150
prepare_out "$DIR" remote_rcpt_550 remote_data_552 unreachable expired_450 delay_warning
trap stop_servers EXIT

as_mail() {  # as_mail CMD...: run a nullmailer program as mail, in the private prefix
    setpriv --reuid=mail --regid=mail --clear-groups env NULLMAILER_TEST_PREFIX="$RUN" "$@"
}

setup_run() {  # setup_run PORT [QUEUELIFETIME]: fresh private configuration and queue
    stop_servers  # left over by a case that failed half-way
    rm -rf "$RUN"
    mkdir -p "$RUN/conf" "$RUN/queue/queue" "$RUN/queue/tmp" "$RUN/queue/failed" "$RUN/captured"
    mkfifo "$RUN/queue/trigger"
    ln -s "$ROOT/usr/bin" "$RUN/bin"
    ln -s "$ROOT/usr/sbin" "$RUN/sbin"
    ln -s "$ROOT/usr/lib/nullmailer" "$RUN/protocols"
    echo support.test > "$RUN/mailname"
    echo "127.0.0.1 smtp port=$1" > "$RUN/conf/remotes"
    echo 0 > "$RUN/conf/pausetime"   # one-shot: nullmailer-send exits after one pass
    [ $# -gt 1 ] && echo "$2" > "$RUN/conf/queuelifetime"
    chown -R mail:mail "$RUN"
}

submit() {  # submit CASE VARIANT: our mail into the queue through nullmailer's sendmail
    # LF line ends, as a local program hands a message to sendmail.
    original_lf ivan@customer.test "nullmailer-$1@support.test" "$2" > "$RUN/original.eml"
    (cd "$RUN" && as_mail "$ROOT/usr/sbin/sendmail" -f support@support.test ivan@customer.test < "$RUN/original.eml") || {
        echo "nullmailer.sh: $1: sendmail failed" >&2; return 1; }
}

send_pass() {  # send_pass LOG: one nullmailer-send pass over the queue
    (cd "$RUN/queue" && timeout 60 setpriv --reuid=mail --regid=mail --clear-groups \
        env NULLMAILER_TEST_PREFIX="$RUN" "$ROOT/usr/sbin/nullmailer-send") >> "$1" 2>&1
}

deliver_bounce() {  # deliver_bounce CASE: second pass, the queued bounce to the capturing server
    local n
    n=$(ls "$RUN/queue/failed" | wc -l)
    [ "$n" -eq 1 ] || { echo "nullmailer.sh: $1: the message was not moved to failed/ (see $RUN/send.log)" >&2; return 1; }
    n=$(ls "$RUN/queue/queue" | wc -l)
    [ "$n" -eq 1 ] || { echo "nullmailer.sh: $1: no bounce queued (see $RUN/send.log)" >&2; return 1; }
    echo "127.0.0.1 smtp port=$CAPTURE_PORT" > "$RUN/conf/remotes"
    start_server "$RUN/capture.out" capture_smtp.py "$CAPTURE_PORT" --dir "$RUN/captured" || return 1
    send_pass "$RUN/send.log"
    stop_servers
    [ -s "$RUN/captured/captured-1.eml" ] || {
        echo "nullmailer.sh: $1: the bounce was not sent out (see $RUN/send.log)" >&2; return 1; }
    grep -q '"from": "<>", "to": \["support@support.test"\]' "$RUN/captured/captured-1.json" || {
        echo "nullmailer.sh: $1: unexpected bounce envelope $(cat "$RUN/captured/captured-1.json")" >&2; return 1; }
    cp "$RUN/captured/captured-1.eml" "$OUT/$1.eml"
}

run_case() {  # run_case CASE VARIANT PORT RCPT DATA QUEUELIFETIME|- DELAYED WHAT (RCPT - : nothing listens; DELAYED - : unsaid)
    local case=$1 variant=$2 port=$3 rcpt=$4 data=$5 life=$6
    if [ "$life" = - ]; then setup_run "$port"; else setup_run "$port" "$life"; fi
    if [ "$rcpt" = - ]; then
        port_is_closed "$port" || return 1
    else
        start_refusing "$RUN/server.out" "$port" --rcpt "$rcpt" --data "$data" || return 1
    fi
    submit "$case" "$variant" || return 1
    [ "$life" = - ] || sleep 2.2   # the queued message is now older than queuelifetime
    send_pass "$RUN/send.log"
    stop_servers
    deliver_bounce "$case" || return 1
    expect_line "$case" "$8" "$(bounce_json ivan@customer.test "nullmailer-$case@support.test" "$7")"
}

made=0
run_case remote_rcpt_550 ack 24643 550 250 - false \
    "nullmailer relays our ack to a smarthost that refuses the recipient (RCPT 550 5.1.1): nullmailer-dsn failure DSN" \
    && made=$((made + 1)) || case_failed remote_rcpt_550
run_case remote_data_552 attachment 24644 250 552 - false \
    "nullmailer relays our reply with a PDF to a smarthost that refuses it after DATA (552 5.2.2 mailbox full): nullmailer-dsn failure DSN" \
    && made=$((made + 1)) || case_failed remote_data_552
run_case unreachable ack 24645 - - 1 false \
    "nullmailer cannot connect to its smarthost (port closed) past queuelifetime: nullmailer-dsn failure DSN, status 5.0.0" \
    && made=$((made + 1)) || case_failed unreachable
run_case expired_450 ack 24647 450 250 1 - \
    "smarthost defers the recipient (450 4.2.1) past queuelifetime: nullmailer gives up but its DSN, status 4.2.1, is worded as a delay notice (Action: delayed)" \
    && made=$((made + 1)) || case_failed expired_450

skipped_line delay_warning "nullmailer-send sends no delay warnings while it retries (it calls nullmailer-dsn only when it gives up; see expired_450)"
[ "$made" -gt 0 ] || { echo "nullmailer.sh: no case came out" >&2; exit 1; }
exit 0
