#!/bin/bash
# maildrop's mailbot (Debian package maildrop), the Courier autoresponder, answers our agent's
# reply to ivan@customer.test, who is away.
#
# In the wild it runs from the customer's ~/.mailfilter, as its man page shows:
#   cc "| mailbot -t $HOME/away.txt -d $HOME/autoresponsedb -A 'From: ...' /usr/sbin/sendmail -f ''"
# The program after mailbot's options is what mails the reply (it reads it on stdin): here a
# private capture script (lib/common.sh capture_sendmail) in place of /usr/sbin/sendmail, which
# stores stdin as the .eml.
#
# Cases: reply (the default reply format: "X writes:" + the quoted original + the away text),
# reply_dsn (-M: the away text formatted as a delivery status notification, Action: delivered),
# ack (our Auto-Submitted acknowledgment: mailbot must stay silent).
set -u
. "$(dirname "$0")/lib/common.sh"
W=/tmp/sd_robots/mailbot
command -v mailbot >/dev/null ||
    not_installed "mailbot (package maildrop) is not installed (bash bench/robots/install_responders.sh)"
prepare_out "${1:?usage: mailbot.sh OUTDIR}"
rm -rf "$W" && mkdir -p "$W"

# The customer's away text, in mailbot's "flowed text" (two trailing spaces: the line flows on).
cat > "$W/away.txt" <<'TXT'
Здравствуйте!

Я в отпуске до 14 декабря, почту не читаю. Ваше письмо прочитаю, когда  
вернусь. По срочным вопросам звоните Марии Кузнецовой: +7 383 200-00-00.

Иван Петров
TXT

# run CASE VARIANT [mailbot options...]: deliver our mail (VARIANT) to mailbot; prints 1 if it replied.
run() {
    local case=$1 variant=$2 cap="$W/$1"; shift 2
    capture_sendmail "$cap/sendmail" "$cap"
    original ivan@customer.test "mailbot-$case@support.test" "$variant" > "$W/$case.in"
    timeout 30 mailbot -t "$W/away.txt" -d "$cap/autoresponsedb" \
        -A 'From: Ivan Petrov <ivan@customer.test>' "$@" "$cap/sendmail" -f '' < "$W/$case.in"
    take_capture "$cap" "$case" $? mailbot
}

[ "$(run reply reply)" = 1 ] && expect_line reply \
    "mailbot away reply (default format: salutation, quoted original, away text; Auto-Submitted: auto-replied, Precedence: junk)" \
    "$AUTO_REPLY"
[ "$(run reply_dsn reply -M ivan@customer.test -N)" = 1 ] && expect_line reply_dsn \
    "mailbot -M away reply formatted as a DSN: multipart/report delivery-status with Action: delivered, Status: 2.0.0 (a success notice + away text, not a failure)" \
    "$AUTO_REPLY"
answer_or_silence "$(run ack ack)" ack \
    "LOOP RISK: mailbot answered our Auto-Submitted acknowledgment" \
    "mailbot stays silent to our acknowledgment (Auto-Submitted: auto-replied)"
require_mail "mailbot produced no reply"
