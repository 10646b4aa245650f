#!/bin/bash
# Dovecot Pigeonhole Sieve (Debian package dovecot-sieve, unpacked by install_responders.sh under
# /tmp/sd_robots/pigeonhole/root: installing it would restart the system's dovecot) answers our
# agent's reply to ivan@customer.test, who is away, with the Sieve `vacation` action (RFC 5230),
# and, as a second scenario, refuses it with the Sieve `reject` action (RFC 5429), which sends
# back an MDN-style rejection.
#
# What runs: the installed dovecot-core's dovecot-lda (the local delivery agent an MTA pipes
# mail into) with a private config file (-c) that loads the unpacked sieve plugin
# (mail_plugin_dir; the plugin's libdovecot-sieve.so.0 is found through LD_LIBRARY_PATH, passed on
# by import_environment), runs the customer's active script, and hands replies to sendmail_path:
# a capture script (lib/common.sh capture_sendmail) that stores stdin as the .eml. dovecot-lda
# refuses to run as root without a userdb, so it runs as the existing "mail" user (setpriv)
# with USER=ivan and HOME in our scratch directory; it is given the envelope
# (-f support@support.test -a ivan@customer.test) as an MTA would. No daemon is started.
#
# Cases: vacation, reject (our agent's reply), vacation_ack and reject_ack (our Auto-Submitted
# acknowledgment: the responder must stay silent; if it answers, the answer is a case).
set -u
. "$(dirname "$0")/lib/common.sh"
W=/tmp/sd_robots/pigeonhole
R=$W/root
LDA=/usr/lib/dovecot/dovecot-lda
[ -x "$LDA" ] && [ -f "$R/usr/lib/dovecot/modules/lib90_sieve_plugin.so" ] ||
    not_installed "dovecot-core's dovecot-lda or the unpacked dovecot-sieve is missing (bash bench/robots/install_responders.sh)"
prepare_out "${1:?usage: pigeonhole.sh OUTDIR}"
rm -rf "$W/cases" && mkdir -p "$W/cases"

VACATION='require ["vacation"];
vacation :days 7 :addresses ["ivan@customer.test"] :subject "Я в отпуске до 14 декабря"
"Здравствуйте!

Я в отпуске до 14 декабря, почту не читаю. Ваше письмо прочитаю, когда вернусь.
По срочным вопросам звоните Марии Кузнецовой: +7 383 200-00-00.

Иван Петров";'
REJECT='require ["reject"];
reject "Здравствуйте! Я в отпуске до 14 декабря, этот ящик письма не принимает. Пишите, пожалуйста, Марии Кузнецовой: maria@customer.test.";'

# run CASE VARIANT SCRIPT: deliver our mail (VARIANT) to ivan with SCRIPT active; prints 1 if a mail was sent.
run() {
    local case=$1 variant=$2 script=$3 d="$W/cases/$1"
    mkdir -p "$d/run" "$d/home"
    capture_sendmail "$d/sendmail" "$d"
    printf '%s\n' "$script" > "$d/home/active.sieve"
    cat > "$d/dovecot.conf" <<CONF
# Private dovecot-lda configuration for one case (no daemon, nothing shared with the system's dovecot).
base_dir = $d/run
state_dir = $d/run
log_path = $d/dovecot.log
info_log_path = $d/dovecot.log
ssl = no
hostname = mx.customer.test
postmaster_address = postmaster@customer.test
mail_location = maildir:$d/home/Maildir
mail_plugin_dir = $R/usr/lib/dovecot/modules
import_environment = TZ LD_LIBRARY_PATH
sendmail_path = $d/sendmail
protocol lda {
  mail_plugins = sieve
}
plugin {
  sieve = file:$d/home/sieve;active=$d/home/active.sieve
}
CONF
    original ivan@customer.test "pigeonhole-$case@support.test" "$variant" > "$d/in.eml"
    chown -R mail:mail "$d"
    timeout 60 setpriv --reuid=mail --regid=mail --clear-groups \
        env -i PATH=/usr/bin:/bin HOME="$d/home" USER=ivan LD_LIBRARY_PATH="$R/usr/lib/dovecot" \
        "$LDA" -c "$d/dovecot.conf" -f support@support.test -a ivan@customer.test < "$d/in.eml"
    take_capture "$d" "$case" $? dovecot-lda "$d/dovecot.log"
}

[ "$(run vacation reply "$VACATION")" = 1 ] && expect_line vacation \
    "Pigeonhole Sieve vacation reply to an agent reply (Auto-Submitted: auto-replied (vacation), Precedence: bulk, envelope sender <>)" \
    "$AUTO_REPLY"
[ "$(run reject reply "$REJECT")" = 1 ] && expect_line reject \
    "Pigeonhole Sieve reject (RFC 5429): a refusal report, MDN-style multipart/report (disposition-notification, deleted) with the reason and our mail, envelope sender <>; a rejection, not an away reply" \
    '{"is_robot": true}'
answer_or_silence "$(run vacation_ack ack "$VACATION")" vacation_ack \
    "LOOP RISK: Pigeonhole Sieve vacation answered our Auto-Submitted acknowledgment" \
    "Pigeonhole Sieve vacation stays silent to our acknowledgment (Auto-Submitted: auto-replied)"
answer_or_silence "$(run reject_ack ack "$REJECT")" reject_ack \
    "Pigeonhole Sieve reject refuses our Auto-Submitted acknowledgment too: MDN-style rejection (a refusal report)" \
    "Pigeonhole Sieve reject sends no rejection for our acknowledgment (Auto-Submitted: auto-replied)" \
    '{"is_robot": true}'
require_mail "pigeonhole produced no mail"
