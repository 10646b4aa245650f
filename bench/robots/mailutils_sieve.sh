#!/bin/bash
# GNU Mailutils `sieve` (Debian package mailutils) with its vacation extension answers our
# agent's reply to ivan@customer.test, who is away.
#
# What runs: our mail is put in a private mbox (as the MTA delivered it: a "From " line, LF line
# ends), and `sieve` filters that mailbox with the customer's script
#   require "vacation"; vacation :days 7 :aliases [...] :subject "..." "text";
# Its mailer (-M) is sendmail://CAPTURE: a private capture script (lib/common.sh
# capture_sendmail) called the way mailutils calls sendmail (-oi -f SENDER RCPT), which stores
# stdin, byte for byte, as the .eml. --no-config keeps the system's and root's mailutils configuration out; HOME is our scratch directory
# (the vacation database ~/.vacation lives there).
#
# Cases: reply (an agent's reply), ack (our Auto-Submitted acknowledgment: must stay silent; if
# mailutils answers it, the answer is recorded as a case, a loop risk).
set -u
. "$(dirname "$0")/lib/common.sh"
W=/tmp/sd_robots/mailutils_sieve
command -v sieve >/dev/null && sieve --version 2>/dev/null | grep -qi mailutils ||
    not_installed "GNU Mailutils sieve is not installed (bash bench/robots/install_responders.sh)"
prepare_out "${1:?usage: mailutils_sieve.sh OUTDIR}"
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
    capture_sendmail "$d/sendmail" "$d"
    { echo "From support@support.test Mon Dec  7 03:15:01 2026"
      original ivan@customer.test "mailutils_sieve-$case@support.test" "$variant" | sed 's/\r$//'
      echo
    } > "$d/inbox.mbox"
    (cd "$d" && HOME=$d timeout 30 sieve --no-config -v -f "mbox://$d/inbox.mbox" -M "sendmail://$d/sendmail" \
        -e ivan@customer.test "$W/vacation.sieve") 2> "$d/sieve.log"
    take_capture "$d" "$case" $? sieve "$d/sieve.log"
}

[ "$(run reply reply)" = 1 ] && expect_line reply \
    "GNU Mailutils sieve vacation reply to an agent reply (no From, Date, Auto-Submitted or Precedence header; In-Reply-To: Your message of ...)" \
    "$AUTO_REPLY"
answer_or_silence "$(run ack ack)" ack \
    "LOOP RISK: GNU Mailutils sieve vacation answered our Auto-Submitted acknowledgment" \
    "GNU Mailutils sieve vacation stays silent to our acknowledgment (Auto-Submitted: auto-replied)"
require_mail "mailutils sieve produced no reply"
