#!/bin/bash
# procmail + formail (Debian package procmail): the classic procmail vacation recipe of
# procmailex(5) answers our agent's reply to ivan@customer.test, who is away.
#
# The recipe is the man page's, with the customer's address in X-Loop, "formail -rt" (answer
# the header sender, as most copies of the recipe in the wild do) and a Russian away text:
#   :0 Whc: vacation.lock            # addressed to us, not from a daemon, no X-Loop of ours
#   | formail -rD 8192 vacation.cache   # already answered this sender?
#     :0 ehc                         # if not: the reply, to $SENDMAIL -oi -t
#     | (formail -rt -I"Precedence: junk" -A"X-Loop: ..."; echo ...; cat $HOME/.signature) | $SENDMAIL -oi -t
# procmail runs as a mail filter (procmail -m RCFILE < mail) with a private rcfile under
# /tmp/sd_robots/formail/<case>/ whose SENDMAIL is a capture script (lib/common.sh
# capture_sendmail) that stores stdin as the .eml.
#
# Cases: reply (an agent's reply), ack (our Auto-Submitted acknowledgment: the recipe only
# skips ^FROM_DAEMON senders and its own X-Loop, it does not look at Auto-Submitted).
set -u
. "$(dirname "$0")/lib/common.sh"
W=/tmp/sd_robots/formail
command -v procmail >/dev/null && command -v formail >/dev/null ||
    not_installed "procmail/formail (package procmail) is not installed (bash bench/robots/install_responders.sh)"
prepare_out "${1:?usage: formail.sh OUTDIR}"
rm -rf "$W" && mkdir -p "$W"

# run CASE VARIANT: deliver our mail (VARIANT) through the recipe; prints 1 if it replied.
run() {
    local case=$1 variant=$2 d="$W/$1"
    capture_sendmail "$d/sendmail" "$d"
    printf 'Иван Петров\nООО «Заказчик», отдел эфирного вещания\n' > "$d/.signature"
    cat > "$d/procmailrc" <<RC
SHELL=/bin/sh    # for other shells, this might need adjustment
HOME=$d
MAILDIR=$d
DEFAULT=$d/Maildir/
LOGFILE=$d/procmail.log
LOGNAME=ivan
SENDMAIL=$d/sendmail

:0 Whc: vacation.lock
 # Perform a quick check to see if the mail was addressed to us
* \$^To:.*\\<\$\\LOGNAME\\>
 # Don't reply to daemons and mailinglists
* !^FROM_DAEMON
 # Mail loops are evil
* !^X-Loop: ivan@customer.test
| formail -rD 8192 vacation.cache

  :0 ehc         # if the name was not in the cache
  | (formail -rt -I"Precedence: junk" \\
       -A"X-Loop: ivan@customer.test" ; \\
     echo "Здравствуйте!"; echo; \\
     echo "Я в отпуске до 14 декабря, почту не читаю."; \\
     echo "Ваше письмо прочитаю, когда вернусь."; \\
     echo "-- "; cat \$HOME/.signature \\
    ) | \$SENDMAIL -oi -t
RC
    original ivan@customer.test "formail-$case@support.test" "$variant" > "$d/in.eml"
    (cd "$d" && timeout 30 procmail -m "$d/procmailrc" < "$d/in.eml")
    # The pipeline may still be writing when procmail returns: take_capture waits for it.
    take_capture "$d" "$case" $? procmail "$d/procmail.log"
}

[ "$(run reply reply)" = 1 ] && expect_line reply \
    "procmailex(5) vacation recipe (formail -rt): away reply with X-Loop and Precedence: junk, no Auto-Submitted, no From/Date/Message-ID (left to sendmail -t), raw UTF-8 body without MIME headers" \
    "$AUTO_REPLY"
answer_or_silence "$(run ack ack)" ack \
    "LOOP RISK: the procmailex(5) vacation recipe answers our Auto-Submitted acknowledgment (it checks only ^FROM_DAEMON and its own X-Loop)" \
    "the procmailex(5) vacation recipe stays silent to our acknowledgment (Auto-Submitted: auto-replied)"
require_mail "the formail recipe produced no reply"
