#!/bin/bash
# Robot mail written by Exim 4.96 (Debian's exim4-daemon-light, unpacked by install_exim.sh
# under /tmp/sd_robots/exim/root; the system's MTA is not touched).
#
# Usage: bash exim.sh OUTDIR  -> OUTDIR/<case>.eml + OUTDIR/expect.jsonl (exit 3: not installed)
#
# How it runs: the exim4 binary is started directly, as root, with a private configuration
# (-C) written for each run under /tmp/sd_robots/exim/run/ (spool, logs, mailboxes). No daemon
# listens: each of our mails (lib/original.py) is submitted on the command line
# (exim4 -C conf -odi -f support@support.test RCPT), Exim delivers it at once, and whatever
# Exim sends back to support@support.test (a local domain of this instance) is delivered by an
# appendfile transport into the Maildir run/mail/support/, whose file is copied out unchanged.
# Because of -C, Exim gives up root for its own user after reading the configuration (the log
# says "exim user lost privilege for using -C option"): all its files belong to that user.
#
# Debian's binary has its user compiled in as "Debian-exim", an account that only exists when
# exim4-base is installed (its postinst creates it). No account is created here: when it is
# missing, the whole run happens in a private mount namespace (unshare -m) in which copies of
# /etc/passwd and /etc/group, with "Debian-exim" as a second name for the existing user and
# group mail (uid/gid 8), are bind-mounted over the originals; nothing outside that namespace
# sees them.
#
# Cases (the original is always ours, from support@support.test, Message-ID exim-<case>@support.test):
#  unknown_local_user  ack to nobody.here@customer.test, a local domain without such a user:
#                      no router accepts it, Exim bounces "Unrouteable address".
#  remote_rcpt_550     ack to ivan.petrov@rcpt550.customer.test, routed (manualroute) to
#                      lib/refusing_smtp.py on 127.0.0.1:24610, which answers RCPT with 550 5.1.1.
#  remote_data_552     reply with a PDF to ivan.petrov@data552.customer.test, 127.0.0.1:24611
#                      accepts RCPT and answers the data with 552 5.2.2; the bounce returns it whole.
#  delay_warning       reply to ivan.petrov@defer450.customer.test, 127.0.0.1:24612 answers RCPT
#                      with 450; retry rules keep it queued, delay_warning = 5s, and a forced queue
#                      run (-qff) after 6 s makes Exim send "Warning: message ... delayed". The reply
#                      variant is used because Exim's default delay_warning_condition sends no
#                      warning for mail marked Auto-Submitted (our ack is).
#  local_quota         ack to olga.sokolova@customer.test, whose Maildir transport has quota = 1K;
#                      the retry rule "* quota" (no retry times) makes the over-quota deferral
#                      a permanent failure at once, as many installations configure it.
#  autoreply           agent's reply to ivan.petrov@customer.test, whose .forward is an Exim filter
#                      "if personal then vacation endif" (a redirect router with allow_filter and
#                      an autoreply reply_transport): Exim's vacation reply; the mail itself is
#                      still delivered to his mbox.
set -u

BASE=/tmp/sd_robots/exim
ROOT=$BASE/root
EXIM=$ROOT/usr/sbin/exim4
RUN=$BASE/run
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"   # PY (the project's venv, aiosmtpd), the shared functions
PORT_RCPT=24610 PORT_DATA=24611 PORT_DEFER=24612

if [ $# -ne 1 ]; then echo "usage: bash exim.sh OUTDIR" >&2; exit 2; fi
[ -x "$EXIM" ] || not_installed "missing: exim4 under $ROOT (run bench/robots/install_exim.sh)"
[ -x "$PY" ] || not_installed "missing: $PY (the project's venv, for lib/refusing_smtp.py)"
OUT=$(mkdir -p "$1" && cd "$1" && pwd) || { echo "cannot create $1" >&2; exit 2; }

# Enter the private mount namespace when the compiled-in user does not exist (see above).
if [ -z "${SD_EXIM_NS:-}" ] && ! getent passwd Debian-exim >/dev/null; then
    mkdir -p "$BASE/ns"
    { cat /etc/passwd; echo "Debian-exim:x:8:8:Exim (name private to exim.sh's mount namespace):$BASE:/usr/sbin/nologin"; } > "$BASE/ns/passwd"
    { cat /etc/group; echo "Debian-exim:x:8:"; } > "$BASE/ns/group"
    chmod 644 "$BASE/ns/passwd" "$BASE/ns/group"
    SD_EXIM_NS=1 exec unshare -m --propagation private -- bash "${BASH_SOURCE[0]}" "$OUT"
fi
if [ -n "${SD_EXIM_NS:-}" ]; then
    mount --bind "$BASE/ns/passwd" /etc/passwd && mount --bind "$BASE/ns/group" /etc/group ||
        { echo "exim.sh: cannot bind-mount the namespace's passwd/group (needs root, CAP_SYS_ADMIN)" >&2; exit 1; }
fi

# One run at a time (fixed ports, one spool).
lock_run "$BASE/run.lock"
prepare_out "$OUT" unknown_local_user remote_rcpt_550 remote_data_552 delay_warning local_quota autoreply

# A fresh instance: configuration (root's), spool, logs, mailboxes, Ivan's home (Exim's user's).
rm -rf "$RUN"
mkdir -p "$RUN"/{spool,log,mail,home/ivan.petrov,srv}
cat > "$RUN/exim.conf" <<EOF
# Private Exim instance of bench/robots/exim.sh: customer.test's mail server (and our relay).
primary_hostname = mx.customer.test
qualify_domain = customer.test
domainlist local_domains = customer.test : support.test
spool_directory = $RUN/spool
log_file_path = $RUN/log/%slog
# The binary re-executes itself for deliveries and bounces: not from /usr/sbin here.
exim_path = $EXIM
trusted_users = root : mail
keep_environment =
headers_charset = UTF-8
host_lookup =
rfc1413_hosts =
# Warn the sender of mail still undelivered after 5 s (the smallest sensible for a benchmark;
# installations use hours): sent by the next delivery attempt, i.e. the queue run.
delay_warning = 5s

begin routers

# Remote domains whose MX is one of lib/refusing_smtp.py's instances on 127.0.0.1.
refusing_remote:
  driver = manualroute
  domains = rcpt550.customer.test : data552.customer.test : defer450.customer.test
  route_list = rcpt550.customer.test 127.0.0.1::$PORT_RCPT ; \\
               data552.customer.test 127.0.0.1::$PORT_DATA ; \\
               defer450.customer.test 127.0.0.1::$PORT_DEFER
  self = send
  transport = remote_smtp

# Our own mailbox: where Exim's bounces, warnings and vacation replies end up.
support:
  driver = accept
  domains = support.test
  local_parts = support
  transport = support_maildir

# Ivan's .forward: an Exim filter with a vacation message.
ivan_forward:
  driver = redirect
  domains = customer.test
  local_parts = ivan.petrov
  file = $RUN/home/ivan.petrov/.forward
  router_home_directory = $RUN/home/ivan.petrov
  allow_filter
  user = mail
  group = mail
  reply_transport = vacation_reply

ivan_mailbox:
  driver = accept
  domains = customer.test
  local_parts = ivan.petrov
  transport = ivan_mbox

olga_mailbox:
  driver = accept
  domains = customer.test
  local_parts = olga.sokolova
  transport = olga_maildir

begin transports

remote_smtp:
  driver = smtp
  allow_localhost
  hosts_try_fastopen = :
  hosts_try_dane = :

support_maildir:
  driver = appendfile
  directory = $RUN/mail/support
  maildir_format
  user = mail
  group = mail
  mode = 0600

ivan_mbox:
  driver = appendfile
  file = $RUN/mail/ivan.petrov.mbox
  user = mail
  group = mail
  mode = 0600

olga_maildir:
  driver = appendfile
  directory = $RUN/mail/olga.sokolova
  maildir_format
  quota = 1K
  user = mail
  group = mail
  mode = 0600

vacation_reply:
  driver = autoreply
  user = mail
  group = mail

begin retry
# defer450: keep retrying (the mail stays queued and earns a delay warning).
defer450.customer.test  *   F,1h,1m
# Over quota: no retry times, i.e. bounce at the first failure.
*                       quota
*                       *   F,2h,15m; G,16h,1h,1.5; F,4d,6h
EOF
cat > "$RUN/home/ivan.petrov/.forward" <<'EOF'
# Exim filter
# Ivan's vacation message: answer personal mail (not lists, not robots), once a week per sender.
if personal then
  vacation
    from "Ivan Petrov <ivan.petrov@customer.test>"
    subject "${rfc2047:В отпуске / Out of office: $h_subject:}"
    extra_headers "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit"
endif
EOF
printf '%s\n' "Здравствуйте!" "" "Я в отпуске до 14 декабря и читаю почту с перерывами." \
    "По срочным вопросам пишите Марии Ивановой: maria@customer.test." "" "Иван Петров" \
    > "$RUN/home/ivan.petrov/.vacation.msg"
chown -R mail:mail "$RUN/spool" "$RUN/log" "$RUN/mail" "$RUN/home"

exim() { "$EXIM" -C "$RUN/exim.conf" "$@" 2>> "$RUN/log/stderr"; }

# The remote servers (killed on exit, by their pids).
trap stop_servers EXIT
start_refusing "$RUN/srv/$PORT_RCPT.out" $PORT_RCPT --rcpt 550 || exit 1
start_refusing "$RUN/srv/$PORT_DATA.out" $PORT_DATA --rcpt 250 --data 552 || exit 1
start_refusing "$RUN/srv/$PORT_DEFER.out" $PORT_DEFER --rcpt 450 || exit 1

submit() {  # submit CASE RCPT VARIANT: our mail, delivered at once (-odi) by Exim
    original "$2" "exim-$1@support.test" "$3" > "$RUN/$1.orig"
    exim -odi -oi -f support@support.test "$2" < "$RUN/$1.orig"
}

collect() {  # collect CASE: the one mail Exim delivered to support@, copied to OUTDIR/CASE.eml
    local f=()
    shopt -s nullglob
    for _ in $(seq 1 200); do
        f=("$RUN/mail/support/new"/*)
        [ ${#f[@]} -gt 0 ] && break
        sleep 0.1
    done
    sleep 0.3   # anything else arriving for this case would be a surprise: look again
    f=("$RUN/mail/support/new"/*)
    shopt -u nullglob
    if [ ${#f[@]} -ne 1 ]; then
        echo "exim.sh: $1: ${#f[@]} mails for support@ (expected 1; see $RUN/log/mainlog)" >&2
        rm -f "${f[@]}"
        return 1
    fi
    cat "${f[0]}" > "$OUT/$1.eml"
    rm -f "${f[0]}"
}

failed=0

c=unknown_local_user r=nobody.here@customer.test
if submit $c $r ack && collect $c; then
    expect_line $c "Exim 4.96: ack to a local address without a user, \\\"Unrouteable address\\\" bounce" "$(bounce_json $r exim-$c@support.test false)"
else failed=1; fi

c=remote_rcpt_550 r=ivan.petrov@rcpt550.customer.test
if submit $c $r ack && collect $c; then
    expect_line $c "Exim 4.96: ack relayed to a server refusing RCPT with 550 5.1.1, bounce" "$(bounce_json $r exim-$c@support.test false)"
else failed=1; fi

c=remote_data_552 r=ivan.petrov@data552.customer.test
if submit $c $r attachment && collect $c; then
    expect_line $c "Exim 4.96: reply with a PDF refused after DATA with 552 5.2.2, bounce returning the message" "$(bounce_json $r exim-$c@support.test false)"
else failed=1; fi

c=delay_warning r=ivan.petrov@defer450.customer.test
if submit $c $r reply; then
    # The first attempt (just made) deferred; once the mail is older than delay_warning, a
    # forced queue run tries again and sends the warning.
    sleep 6
    exim -qff
    if collect $c; then
        expect_line $c "Exim 4.96: reply deferred by RCPT 450, Warning: message delayed (delay_warning)" "$(bounce_json $r exim-$c@support.test true)"
    else failed=1; fi
else failed=1; fi

c=local_quota r=olga.sokolova@customer.test
if submit $c $r ack && collect $c; then
    expect_line $c "Exim 4.96: ack to a local Maildir over its appendfile quota, mailbox is full bounce" "$(bounce_json $r exim-$c@support.test false)"
else failed=1; fi

c=autoreply r=ivan.petrov@customer.test
if submit $c $r reply && collect $c; then
    expect_line $c "Exim 4.96: Exim filter vacation (autoreply transport) answering an agent's reply" \
        "$AUTO_REPLY"
else failed=1; fi

# The deferred mail would stay queued: drop it (nothing runs this spool again anyway).
queued=$(exim -bp | awk '$3 ~ /^[0-9A-Za-z]+-[0-9A-Za-z]+-[0-9A-Za-z]+$/ {print $3}')
[ -n "$queued" ] && exim -Mrm $queued >/dev/null
exit $failed
