#!/bin/bash
# vacation(1) (Debian package `vacation` 3.3.3, the classic BSD/Linux "I am not here" program)
# answers our agent's reply to ivan@customer.test, who is away.
#
# In the wild it runs from the customer's ~/.forward:  \ivan, "|/usr/bin/vacation ivan"
# and hands its reply (the customer's ~/.vacation.msg, a whole message with headers, $SUBJECT
# replaced) to /usr/sbin/sendmail, a path compiled into the program. To capture that reply
# without touching the system's /usr/sbin, vacation runs in a private mount namespace
# (unshare -m) where an overlay puts a capture script (lib/common.sh capture_sendmail) at
# /usr/sbin/sendmail: the script stores its stdin, byte for byte, as the .eml. Nothing outside that namespace sees it.
# There is no user "ivan" here (no new accounts): vacation runs for the existing login
# "nobody" with "-a ivan" (the alias it must find in To:/Cc:), and explicit -f/-m paths.
# The delivering MTA (an Exim pipe transport) adds Return-Path: vacation takes the sender from it.
#
# Cases: reply (a typical customer's .vacation.msg), reply_bulk (the message as the man page
# suggests it, with "Precedence: bulk"), ack (our Auto-Submitted acknowledgment: vacation must
# stay silent).
set -u
. "$(dirname "$0")/lib/common.sh"
W=/tmp/sd_robots/vacation
command -v vacation >/dev/null || not_installed "vacation is not installed (bash bench/robots/install_responders.sh)"
prepare_out "${1:?usage: vacation.sh OUTDIR}"
rm -rf "$W" && mkdir -p "$W/up" "$W/work"

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
    # The capture "sendmail" of this case, seen as /usr/sbin/sendmail in the namespace.
    capture_sendmail "$W/up/sendmail" "$cap"
    { echo "Return-Path: <support@support.test>"
      original ivan@customer.test "vacation-$case@support.test" "$variant"
    } > "$W/$case.in"
    timeout 30 unshare -m sh -c '
        mount -t overlay overlay -o "lowerdir=/usr/sbin,upperdir=$1/up,workdir=$1/work" /usr/sbin || exit 99
        exec /usr/bin/vacation -d -f "$2/vacation.db" -m "$3" -a ivan nobody < "$2.in"' sh "$W" "$W/$case" "$msg"
    local rc=$?
    [ $rc -eq 99 ] && { echo "cannot mount the private overlay on /usr/sbin (needs root, unshare)" >&2; exit 1; }
    # vacation does not wait for its sendmail to finish: take_capture waits for it.
    take_capture "$cap" "$case" $rc vacation
}

[ "$(run reply reply "$W/vacation.msg")" = 1 ] && expect_line reply \
    'vacation(1) away reply to an agent reply: the customer'\''s .vacation.msg (Subject: Re: $SUBJECT), no Auto-Submitted or Precedence header' \
    "$AUTO_REPLY"
[ "$(run reply_bulk reply "$W/vacation_bulk.msg")" = 1 ] && expect_line reply_bulk \
    "vacation(1) away reply, .vacation.msg as in the man page: Precedence: bulk, raw UTF-8 Subject" \
    "$AUTO_REPLY"
answer_or_silence "$(run ack ack "$W/vacation.msg")" ack \
    "LOOP RISK: vacation(1) answered our Auto-Submitted acknowledgment" \
    "vacation(1) stays silent to our acknowledgment (Auto-Submitted: auto-replied)"
require_mail "vacation produced no reply"
