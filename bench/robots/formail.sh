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
# /tmp/sd_robots/formail/<case>/ whose SENDMAIL is a capture script that stores stdin as the .eml
# (procmail resets the environment, so the script writes into $MAILDIR, which procmail exports).
#
# Cases: reply (an agent's reply), ack (our Auto-Submitted acknowledgment: the recipe only
# skips ^FROM_DAEMON senders and its own X-Loop, it does not look at Auto-Submitted).
set -u
OUT=${1:?usage: formail.sh OUTDIR}
HERE=$(cd "$(dirname "$0")" && pwd)
W=/tmp/sd_robots/formail
if ! command -v procmail >/dev/null || ! command -v formail >/dev/null; then
    echo "procmail/formail (package procmail) is not installed (bash bench/robots/install_responders.sh)" >&2; exit 3
fi
mkdir -p "$OUT" && rm -f "$OUT"/*.eml "$OUT"/expect.jsonl
rm -rf "$W" && mkdir -p "$W"

# The capture "sendmail": stdin -> $MAILDIR/mail.eml, its arguments -> mail.args, then mail.done.
cat > "$W/sendmail" <<'SH'
#!/bin/sh
printf '%s\n' "$*" > "${MAILDIR:?}/mail.args"
cat > "$MAILDIR/mail.eml"
touch "$MAILDIR/mail.done"
SH
chmod 755 "$W/sendmail"

# run CASE VARIANT: deliver our mail (VARIANT) through the recipe; prints 1 if it replied.
run() {
    local case=$1 variant=$2 d="$W/$1"
    mkdir -p "$d"
    printf 'Иван Петров\nООО «Заказчик», отдел эфирного вещания\n' > "$d/.signature"
    cat > "$d/procmailrc" <<RC
SHELL=/bin/sh    # for other shells, this might need adjustment
HOME=$d
MAILDIR=$d
DEFAULT=$d/Maildir/
LOGFILE=$d/procmail.log
LOGNAME=ivan
SENDMAIL=$W/sendmail

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
    python3 "$HERE/lib/original.py" --to ivan@customer.test --message-id "formail-$case@support.test" \
        --variant "$variant" > "$d/in.eml"
    (cd "$d" && timeout 30 procmail -m "$d/procmailrc" < "$d/in.eml")
    local rc=$?
    [ $rc -ne 0 ] && echo "procmail exited $rc for case $case (log: $d/procmail.log)" >&2
    # The pipeline may still be writing when procmail returns: wait for the capture (3 s at most).
    local i
    for i in $(seq 30); do [ -e "$d/mail.done" ] && break; sleep 0.1; done
    if [ -e "$d/mail.done" ]; then cat "$d/mail.eml" > "$OUT/$case.eml"; echo 1; else echo 0; fi
}
jl() { printf '%s\n' "$1" >> "$OUT/expect.jsonl"; }

[ "$(run reply reply)" = 1 ] &&
    jl '{"case": "reply", "what": "procmailex(5) vacation recipe (formail -rt): away reply with X-Loop and Precedence: junk, no Auto-Submitted, no From/Date/Message-ID (left to sendmail -t), raw UTF-8 body without MIME headers", "expect": {"is_auto_reply": true, "is_bounce": false, "is_robot": true}}'
if [ "$(run ack ack)" = 1 ]; then
    jl '{"case": "ack", "what": "LOOP RISK: the procmailex(5) vacation recipe answers our Auto-Submitted acknowledgment (it checks only ^FROM_DAEMON and its own X-Loop)", "expect": {"is_auto_reply": true, "is_bounce": false, "is_robot": true}}'
else
    jl '{"case": "ack", "what": "the procmailex(5) vacation recipe stays silent to our acknowledgment (Auto-Submitted: auto-replied)", "expect": {}, "silent": true}'
fi
ls "$OUT"/*.eml >/dev/null 2>&1 || { echo "the formail recipe produced no reply" >&2; exit 1; }
