#!/bin/bash
# GNU Mailutils `sieve` (Debian package mailutils) with its vacation extension answers our
# agent's reply to ivan@customer.test, who is away.
#
# What runs: our mail is put in a private mbox (as the MTA delivered it: a "From " line, LF line
# ends), and `sieve` filters that mailbox with the customer's script
#   require "vacation"; vacation :days 7 :aliases [...] :subject "..." "text";
# Its mailer (-M) is sendmail://CAPTURE: a private capture script called the way mailutils calls
# sendmail (-oi -f SENDER RCPT), which stores stdin, byte for byte, as the .eml. --no-config
# keeps the system's and root's mailutils configuration out; HOME is our scratch directory
# (the vacation database ~/.vacation lives there).
#
# Cases: reply (an agent's reply), ack (our Auto-Submitted acknowledgment: must stay silent; if
# mailutils answers it, the answer is recorded as a case, a loop risk).
set -u
OUT=${1:?usage: mailutils_sieve.sh OUTDIR}
HERE=$(cd "$(dirname "$0")" && pwd)
W=/tmp/sd_robots/mailutils_sieve
if ! command -v sieve >/dev/null || ! sieve --version 2>/dev/null | grep -qi mailutils; then
    echo "GNU Mailutils sieve is not installed (bash bench/robots/install_responders.sh)" >&2; exit 3
fi
mkdir -p "$OUT" && rm -f "$OUT"/*.eml "$OUT"/expect.jsonl
rm -rf "$W" && mkdir -p "$W"

# The customer's Sieve script: the vacation extension, a Russian away text.
cat > "$W/vacation.sieve" <<'SIEVE'
require "vacation";
vacation :days 7 :aliases ["ivan@customer.test"] :subject "Я в отпуске до 14 декабря"
"Здравствуйте!

Я в отпуске до 14 декабря, почту не читаю. Ваше письмо прочитаю, когда вернусь.
По срочным вопросам звоните Марии Кузнецовой: +7 383 200-00-00.

Иван Петров";
SIEVE

# run CASE VARIANT: filter a mailbox holding our mail (VARIANT); prints 1 if a reply was sent.
run() {
    local case=$1 variant=$2 d="$W/$1"
    mkdir -p "$d"
    # The capture "sendmail": stdin -> mail.eml, arguments -> mail.args, then mail.done.
    cat > "$d/sendmail" <<SH
#!/bin/sh
printf '%s\\n' "\$*" > "$d/mail.args"
cat > "$d/mail.eml"
touch "$d/mail.done"
SH
    chmod 755 "$d/sendmail"
    { echo "From support@support.test Mon Dec  7 03:15:01 2026"
      python3 "$HERE/lib/original.py" --to ivan@customer.test --message-id "mailutils_sieve-$case@support.test" \
          --variant "$variant" | sed 's/\r$//'
      echo
    } > "$d/inbox.mbox"
    (cd "$d" && HOME=$d timeout 30 sieve --no-config -v -f "mbox://$d/inbox.mbox" -M "sendmail://$d/sendmail" \
        -e ivan@customer.test "$W/vacation.sieve") 2> "$d/sieve.log"
    local rc=$?
    [ $rc -ne 0 ] && { echo "sieve exited $rc for case $case:" >&2; cat "$d/sieve.log" >&2; }
    local i
    for i in $(seq 30); do [ -e "$d/mail.done" ] && break; sleep 0.1; done
    if [ -e "$d/mail.done" ]; then cat "$d/mail.eml" > "$OUT/$case.eml"; echo 1; else echo 0; fi
}
jl() { printf '%s\n' "$1" >> "$OUT/expect.jsonl"; }

[ "$(run reply reply)" = 1 ] &&
    jl '{"case": "reply", "what": "GNU Mailutils sieve vacation reply to an agent reply (no From, Date, Auto-Submitted or Precedence header; In-Reply-To: Your message of ...)", "expect": {"is_auto_reply": true, "is_bounce": false, "is_robot": true}}'
if [ "$(run ack ack)" = 1 ]; then
    jl '{"case": "ack", "what": "LOOP RISK: GNU Mailutils sieve vacation answered our Auto-Submitted acknowledgment", "expect": {"is_auto_reply": true, "is_bounce": false, "is_robot": true}}'
else
    jl '{"case": "ack", "what": "GNU Mailutils sieve vacation stays silent to our acknowledgment (Auto-Submitted: auto-replied)", "expect": {}, "silent": true}'
fi
ls "$OUT"/*.eml >/dev/null 2>&1 || { echo "mailutils sieve produced no reply" >&2; exit 1; }
