#!/bin/bash
# maildrop's mailbot (Debian package maildrop), the Courier autoresponder, answers our agent's
# reply to ivan@customer.test, who is away.
#
# In the wild it runs from the customer's ~/.mailfilter, as its man page shows:
#   cc "| mailbot -t $HOME/away.txt -d $HOME/autoresponsedb -A 'From: ...' /usr/sbin/sendmail -f ''"
# The program after mailbot's options is what mails the reply (it reads it on stdin): here a
# private capture script in place of /usr/sbin/sendmail, which stores stdin as the .eml.
#
# Cases: reply (the default reply format: "X writes:" + the quoted original + the away text),
# reply_dsn (-M: the away text formatted as a delivery status notification, Action: delivered),
# ack (our Auto-Submitted acknowledgment: mailbot must stay silent).
set -u
OUT=${1:?usage: mailbot.sh OUTDIR}
HERE=$(cd "$(dirname "$0")" && pwd)
W=/tmp/sd_robots/mailbot
if ! command -v mailbot >/dev/null; then
    echo "mailbot (package maildrop) is not installed (bash bench/robots/install_responders.sh)" >&2; exit 3
fi
mkdir -p "$OUT" && rm -f "$OUT"/*.eml "$OUT"/expect.jsonl
rm -rf "$W" && mkdir -p "$W"

# The capture "sendmail": stdin -> $CAPTURE_DIR/mail.eml, its arguments -> mail.args.
cat > "$W/sendmail" <<'SH'
#!/bin/sh
printf '%s\n' "$*" > "${CAPTURE_DIR:?}/mail.args"
cat > "$CAPTURE_DIR/mail.eml"
SH
chmod 755 "$W/sendmail"

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
    mkdir -p "$cap"
    python3 "$HERE/lib/original.py" --to ivan@customer.test --message-id "mailbot-$case@support.test" \
        --variant "$variant" > "$W/$case.in"
    CAPTURE_DIR=$cap timeout 30 mailbot -t "$W/away.txt" -d "$cap/autoresponsedb" \
        -A 'From: Ivan Petrov <ivan@customer.test>' "$@" "$W/sendmail" -f '' < "$W/$case.in"
    local rc=$?
    [ $rc -ne 0 ] && echo "mailbot exited $rc for case $case" >&2
    if [ -s "$cap/mail.eml" ]; then cp "$cap/mail.eml" "$OUT/$case.eml"; echo 1; else echo 0; fi
}
jl() { printf '%s\n' "$1" >> "$OUT/expect.jsonl"; }

[ "$(run reply reply)" = 1 ] &&
    jl '{"case": "reply", "what": "mailbot away reply (default format: salutation, quoted original, away text; Auto-Submitted: auto-replied, Precedence: junk)", "expect": {"is_auto_reply": true, "is_bounce": false, "is_robot": true}}'
[ "$(run reply_dsn reply -M ivan@customer.test -N)" = 1 ] &&
    jl '{"case": "reply_dsn", "what": "mailbot -M away reply formatted as a DSN: multipart/report delivery-status with Action: delivered, Status: 2.0.0 (a success notice + away text, not a failure)", "expect": {"is_auto_reply": true, "is_bounce": false, "is_robot": true}}'
if [ "$(run ack ack)" = 1 ]; then
    jl '{"case": "ack", "what": "LOOP RISK: mailbot answered our Auto-Submitted acknowledgment", "expect": {"is_auto_reply": true, "is_bounce": false, "is_robot": true}}'
else
    jl '{"case": "ack", "what": "mailbot stays silent to our acknowledgment (Auto-Submitted: auto-replied)", "expect": {}, "silent": true}'
fi
ls "$OUT"/*.eml >/dev/null 2>&1 || { echo "mailbot produced no reply" >&2; exit 1; }
