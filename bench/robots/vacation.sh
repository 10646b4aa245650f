#!/bin/bash
# vacation(1) (Debian package `vacation` 3.3.3, the classic BSD/Linux "I am not here" program)
# answers our agent's reply to ivan@customer.test, who is away.
#
# In the wild it runs from the customer's ~/.forward:  \ivan, "|/usr/bin/vacation ivan"
# and hands its reply (the customer's ~/.vacation.msg, a whole message with headers, $SUBJECT
# replaced) to /usr/sbin/sendmail, a path compiled into the program. To capture that reply
# without touching the system's /usr/sbin, vacation runs in a private mount namespace
# (unshare -m) where an overlay puts a capture script at /usr/sbin/sendmail: the script stores
# its stdin, byte for byte, as the .eml. Nothing outside that namespace sees it.
# There is no user "ivan" here (no new accounts): vacation runs for the existing login
# "nobody" with "-a ivan" (the alias it must find in To:/Cc:), and explicit -f/-m paths.
# The delivering MTA (an Exim pipe transport) adds Return-Path: vacation takes the sender from it.
#
# Cases: reply (a typical customer's .vacation.msg), reply_bulk (the message as the man page
# suggests it, with "Precedence: bulk"), ack (our Auto-Submitted acknowledgment: vacation must
# stay silent).
set -u
OUT=${1:?usage: vacation.sh OUTDIR}
HERE=$(cd "$(dirname "$0")" && pwd)
W=/tmp/sd_robots/vacation
if ! command -v vacation >/dev/null; then
    echo "vacation is not installed (bash bench/robots/install_responders.sh)" >&2; exit 3
fi
mkdir -p "$OUT" && rm -f "$OUT"/*.eml "$OUT"/expect.jsonl
rm -rf "$W" && mkdir -p "$W/up" "$W/work"

# The capture "sendmail": stdin -> $CAPTURE_DIR/mail.eml, its arguments -> mail.args, then
# mail.done.
cat > "$W/up/sendmail" <<'SH'
#!/bin/sh
printf '%s\n' "$*" > "${CAPTURE_DIR:?}/mail.args"
cat > "$CAPTURE_DIR/mail.eml"
touch "$CAPTURE_DIR/mail.done"
SH
chmod 755 "$W/up/sendmail"

# The customer's ~/.vacation.msg, as people write it: whole headers, UTF-8 text.
cat > "$W/vacation.msg" <<'MSG'
From: Ivan Petrov <ivan@customer.test>
Subject: Re: $SUBJECT
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Здравствуйте!

Я в отпуске до 14 декабря, почту не читаю. Ваше письмо прочитаю, когда вернусь.
По срочным вопросам звоните Марии Кузнецовой: +7 383 200-00-00.

Иван Петров
MSG
# The same following the man page's example (From, Subject, Precedence: bulk), subject in raw UTF-8.
cat > "$W/vacation_bulk.msg" <<'MSG'
From: ivan@customer.test (Ivan Petrov)
Subject: Я в отпуске до 14 декабря
Precedence: bulk
Content-Type: text/plain; charset=utf-8

Здравствуйте!

Я в отпуске до 14 декабря, почту не читаю. Ваше письмо прочитаю, когда вернусь.

Иван Петров
MSG

# run CASE VARIANT MSGFILE: deliver our mail (VARIANT) to vacation; prints 1 if it sent a reply.
run() {
    local case=$1 variant=$2 msg=$3 cap="$W/$1"
    mkdir -p "$cap"
    { echo "Return-Path: <support@support.test>"
      python3 "$HERE/lib/original.py" --to ivan@customer.test --message-id "vacation-$case@support.test" --variant "$variant"
    } > "$W/$case.in"
    CAPTURE_DIR=$cap timeout 30 unshare -m sh -c '
        mount -t overlay overlay -o "lowerdir=/usr/sbin,upperdir=$1/up,workdir=$1/work" /usr/sbin || exit 99
        exec /usr/bin/vacation -d -f "$2/vacation.db" -m "$3" -a ivan nobody < "$2.in"' sh "$W" "$W/$case" "$msg"
    local rc=$?
    [ $rc -eq 99 ] && { echo "cannot mount the private overlay on /usr/sbin (needs root, unshare)" >&2; exit 1; }
    [ $rc -ne 0 ] && echo "vacation exited $rc for case $case" >&2
    # vacation does not wait for its sendmail to finish: wait for the capture (3 s at most).
    local i
    for i in $(seq 30); do [ -e "$cap/mail.done" ] && break; sleep 0.1; done
    if [ -e "$cap/mail.done" ]; then cp "$cap/mail.eml" "$OUT/$case.eml"; echo 1; else echo 0; fi
}
jl() { printf '%s\n' "$1" >> "$OUT/expect.jsonl"; }

[ "$(run reply reply "$W/vacation.msg")" = 1 ] &&
    jl '{"case": "reply", "what": "vacation(1) away reply to an agent reply: the customer'\''s .vacation.msg (Subject: Re: $SUBJECT), no Auto-Submitted or Precedence header", "expect": {"is_auto_reply": true, "is_bounce": false, "is_robot": true}}'
[ "$(run reply_bulk reply "$W/vacation_bulk.msg")" = 1 ] &&
    jl '{"case": "reply_bulk", "what": "vacation(1) away reply, .vacation.msg as in the man page: Precedence: bulk, raw UTF-8 Subject", "expect": {"is_auto_reply": true, "is_bounce": false, "is_robot": true}}'
if [ "$(run ack ack "$W/vacation.msg")" = 1 ]; then
    jl '{"case": "ack", "what": "LOOP RISK: vacation(1) answered our Auto-Submitted acknowledgment", "expect": {"is_auto_reply": true, "is_bounce": false, "is_robot": true}}'
else
    jl '{"case": "ack", "what": "vacation(1) stays silent to our acknowledgment (Auto-Submitted: auto-replied)", "expect": {}, "silent": true}'
fi
ls "$OUT"/*.eml >/dev/null 2>&1 || { echo "vacation produced no reply" >&2; exit 1; }
