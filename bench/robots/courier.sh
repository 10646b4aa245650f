#!/bin/bash
# Delivery status notifications written by the Courier mail server 1.0.16 (Debian's
# courier-mta, unpacked by install_courier.sh under /tmp/sd_robots/courier/root; never
# installed as the system MTA).
#
# What runs: a private Courier (courierd and its modules: esmtp, dsn, local...) started with
# `courier start`. Our mail (lib/original.py) goes in through Courier's sendmail (-> submit),
# addressed to ivan@customer.test, which esmtproutes sends to a lib/refusing_smtp.py on
# 127.0.0.1. Courier's dsn module writes the notification to the sender, support@support.test;
# support.test is one of Courier's locals (as Debian's postinst sets them: localhost and the
# default domain), and the alias `support: <Maildir>` (aliases/system, makealiases) makes
# courierlocal deliver it into /tmp/sd_robots/courier/run/mail/Maildir. The delivered file
# is the .eml, less the Delivered-To and Return-Path lines the final delivery put on top.
# Configuration as Debian's postinst writes it (me, defaultdomain, locals, dsnfrom
# "mailer-daemon@DOMAIN"), with me = mail.support.test (our support server's MTA).
#
# How Courier is made private: its paths are compiled in (/etc/courier, /var/lib/courier,
# /usr/lib/courier, /run/courier). It runs in a private mount namespace (`unshare -m`, seen
# by no other process) where /usr is overlaid read-only with the unpacked packages, and
# /etc, /var and /run are overlaid with writable upper layers under
# /tmp/sd_robots/courier/run (holding etc/courier, var/lib/courier, run/courier with the
# owners and modes Debian's postinst gives them): every write lands there, none in the
# system's directories. The namespace's first process (a few lines of Python, below) is a
# child subreaper, so the daemons `courier start` detaches are reaped and stopped with it.
# Courier runs as the existing user courier.
#
# Cases (ports 24650-24653), one Courier run each:
#  remote_rcpt_550: RCPT answered 550 5.1.1 -> failure DSN at once (ack variant);
#  remote_data_552: DATA answered 552 5.2.2 -> failure DSN (attachment variant; Courier
#    returns the whole original under its dsnlimit, 32 KB);
#  unreachable: nothing listens on the relay port. Courier retries temporary failures
#    for queuetime (default 1 week) and then returns the message; the retry schedule
#    (retryalpha/retrybeta/retrygamma/retrymaxdelta) and queuetime are Courier's documented
#    control files, set to seconds here (retry every 5 s, queuetime 25 s; warntime 1 h so no
#    warning comes first): failure DSN after the first attempt past queuetime;
#  delay_warning: RCPT answered 450 4.2.1; warntime (default 4 hours) is 8 s, queuetime 1 h:
#    Courier sends its "delayed" DSN (Subject: WARNING: delayed mail.) after the first
#    attempt past warntime; the run stops before any final bounce.
# Usage: courier.sh OUTDIR
set -u
. "$(dirname "$0")/lib/common.sh"   # PY (the project's venv, aiosmtpd), the shared functions
BASE=/tmp/sd_robots/courier
ROOT=$BASE/root
RUN=$BASE/run
DIR=${1:?usage: courier.sh OUTDIR}
[ -f "$ROOT/.unpacked" ] || not_installed "courier is not installed: run bench/robots/install_courier.sh"
for tool in unshare nsenter; do
    command -v "$tool" >/dev/null || not_installed "$tool (util-linux) is missing"
done
getent passwd courier >/dev/null || not_installed "the user courier is missing"

# One run at a time (the private Courier, its mailbox and the ports are shared by runs).
lock_run "$BASE.lock" 150
prepare_out "$DIR" remote_rcpt_550 remote_data_552 unreachable delay_warning

# The namespace's first process: child subreaper, `courier start`, reaps what it detaches
# until SIGTERM, then `courier stop` and waits (10 s at most) for its processes to end.
HOLDER_PY='
import ctypes, os, signal, subprocess, sys, time
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
stop = []
signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
def reap():
    try:
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass
        return True
    except ChildProcessError:
        return False  # no child left
if subprocess.run(["courier", "start"]).returncode != 0:
    sys.exit(1)
print("ready", flush=True)
while not stop:
    reap()
    time.sleep(0.2)
subprocess.run(["courier", "stop"])
deadline = time.time() + 10
while reap() and time.time() < deadline:
    time.sleep(0.1)
'

HOLDER=
stop_courier() {
    if [ -n "$HOLDER" ]; then kill -TERM "$HOLDER" 2>/dev/null; wait "$HOLDER" 2>/dev/null; HOLDER=; fi
}
trap 'stop_courier; stop_servers' EXIT

setup_run() {  # setup_run PORT CONTROL=VALUE...: a fresh private configuration, queue and Maildir
    local port=$1 kv
    shift
    rm -rf "$RUN"
    mkdir -p "$RUN/etc" "$RUN/var/lib" "$RUN/run/courier" "$RUN/work/etc" "$RUN/work/var" "$RUN/work/run" "$RUN/mail"
    cp -a "$ROOT/etc/courier" "$RUN/etc/courier"
    cp -a "$ROOT/var/lib/courier" "$RUN/var/lib/courier"
    local ec=$RUN/etc/courier
    echo mail.support.test > "$ec/me"
    echo support.test > "$ec/defaultdomain"
    printf 'localhost\nsupport.test\n' > "$ec/locals"
    echo mailer-daemon@support.test > "$ec/dsnfrom"
    echo "customer.test: [127.0.0.1],$port" > "$ec/esmtproutes"
    echo "support: $RUN/mail/Maildir/" >> "$ec/aliases/system"
    for kv in "$@"; do echo "${kv#*=}" > "$ec/${kv%%=*}"; done
    # Owners and modes as Debian's postinst sets them (dpkg-statoverride).
    chown root:courier "$ec" "$ec/aliasdir" "$ec/aliases" "$ec/aliases/system" "$RUN/run/courier"
    chmod 0755 "$ec"; chmod 0750 "$ec/aliasdir" "$ec/aliases"; chmod 0640 "$ec/aliases/system"
    chmod 0775 "$RUN/run/courier"
    chown -R courier:courier "$RUN/var/lib/courier"
    chmod 0750 "$RUN/var/lib/courier" "$RUN"/var/lib/courier/{allfilters,filters,msgq,msgs,track}
    chmod 0770 "$RUN/var/lib/courier/tmp"
    "$ROOT/usr/bin/maildirmake.courier" "$RUN/mail/Maildir"
    chown -R courier:courier "$RUN/mail"
}

start_courier() {
    unshare -m sh -c '
        mount -t overlay sd_courier_usr -o "lowerdir=$2/usr:/usr" /usr &&
        mount -t overlay sd_courier_etc -o "lowerdir=/etc,upperdir=$1/etc,workdir=$1/work/etc" /etc &&
        mount -t overlay sd_courier_var -o "lowerdir=/var,upperdir=$1/var,workdir=$1/work/var" /var &&
        mount -t overlay sd_courier_run -o "lowerdir=/run,upperdir=$1/run,workdir=$1/work/run" /run &&
        makealiases && exec python3 -c "$3"' sh "$RUN" "$ROOT" "$HOLDER_PY" > "$RUN/holder.out" 2>&1 &
    HOLDER=$!
    wait_line "$RUN/holder.out" '^ready' "$HOLDER" && return 0
    echo "courier.sh: Courier did not start: $(cat "$RUN/holder.out")" >&2
    return 1
}

submit() {  # submit CASE VARIANT: our mail into Courier through its sendmail (LF line ends, as a local program sends it)
    original_lf ivan@customer.test "courier-$1@support.test" "$2" > "$RUN/original.eml"
    nsenter -t "$HOLDER" -m /usr/sbin/sendmail -f support@support.test ivan@customer.test < "$RUN/original.eml" || {
        echo "courier.sh: $1: sendmail failed" >&2; return 1; }
}

wait_dsn() {  # wait_dsn SECONDS: until a notification is in the Maildir
    local f
    for _ in $(seq 1 $(($1 * 5))); do
        for f in "$RUN"/mail/Maildir/new/*; do
            [ -s "$f" ] && return 0
        done
        sleep 0.2
    done
    return 1
}

collect() {  # collect CASE DELAYED WHAT: the delivered DSN into OUTDIR, and its expectation
    local f
    f=$(ls "$RUN"/mail/Maildir/new/* 2>/dev/null | head -n 1)
    [ -n "$f" ] || { echo "courier.sh: $1: no notification delivered" >&2; return 1; }
    # Drop the final delivery's Delivered-To and Return-Path (the first lines), nothing else.
    [ "$(ls "$RUN"/mail/Maildir/new | wc -l)" -eq 1 ] || echo "courier.sh: $1: more than one notification, kept the first" >&2
    awk 'start || !/^(Delivered-To|Return-Path): / { start = 1; print }' "$f" > "$OUT/$1.eml"
    expect_line "$1" "$3" "$(bounce_json ivan@customer.test "courier-$1@support.test" "$2")"
}

run_case() {  # run_case CASE VARIANT PORT RCPT|- DATA SECONDS DELAYED WHAT [CONTROL=VALUE...]
    local case=$1 variant=$2 port=$3 rcpt=$4 data=$5 secs=$6 delayed=$7 what=$8
    shift 8
    stop_courier; stop_servers  # left over by a case that failed half-way
    setup_run "$port" "$@"
    if [ "$rcpt" = - ]; then
        port_is_closed "$port" || return 1
    else
        start_refusing "$RUN/server.out" "$port" --rcpt "$rcpt" --data "$data" || return 1
    fi
    start_courier || return 1
    submit "$case" "$variant" || return 1
    wait_dsn "$secs" || echo "courier.sh: $case: no notification within $secs s" >&2
    stop_courier
    stop_servers
    collect "$case" "$delayed" "$what"
}

made=0
run_case remote_rcpt_550 ack 24650 550 250 20 false \
    "Courier relays our ack to a server that refuses the recipient (RCPT 550 5.1.1): Courier failure DSN" \
    && made=$((made + 1)) || case_failed remote_rcpt_550
run_case remote_data_552 attachment 24651 250 552 20 false \
    "Courier relays our reply with a PDF to a server that refuses it after DATA (552 5.2.2 mailbox full): Courier failure DSN with the whole original" \
    && made=$((made + 1)) || case_failed remote_data_552
run_case unreachable ack 24652 - - 90 false \
    "Courier cannot connect to the relay (port closed) and returns the mail when queuetime (25 s here) is over: Courier failure DSN" \
    retryalpha=5s retrybeta=3 retrygamma=5s retrymaxdelta=0 queuetime=25s warntime=1h \
    && made=$((made + 1)) || case_failed unreachable
run_case delay_warning ack 24653 450 250 60 true \
    "The relay defers the recipient (RCPT 450 4.2.1); warntime (8 s here) passes: Courier delayed DSN, it keeps retrying" \
    retryalpha=5s retrybeta=3 retrygamma=5s retrymaxdelta=0 queuetime=1h warntime=8s \
    && made=$((made + 1)) || case_failed delay_warning
[ "$made" -gt 0 ] || { echo "courier.sh: no case came out" >&2; exit 1; }
exit 0
