#!/bin/bash
# SpamAssassin 4.0 (Debian's spamassassin; its spamd, from Debian's spamd package, unpacked by
# install_mta_gateways.sh under /tmp/sd_composers/gw/sa/root, not installed as a service) marks
# the mail as spam and, with report_safe 1, wraps it as a message/rfc822 attachment of its
# report, as it does to spam in the wild. A rule that every mail with a From header hits
# (score 100) makes every mail spam; rewrite_header is not set, so the Subject stays as it was.
# A private spamd on a unix socket (no TCP port), with its own configuration under
# /tmp/sd_composers/gw/sa/, is started once and reused (found by its pid file); spamc talks to it.
# Usage: spamassassin_report.sh MAILFILE
set -u
GW=/tmp/sd_composers/gw/sa
SPAMD=$GW/root/usr/sbin/spamd
{ command -v spamc >/dev/null && [ -f "$SPAMD" ]; } || { echo "missing: spamc/spamd (install_mta_gateways.sh)" >&2; exit 3; }
mkdir -p "$GW"
exec 9> "$GW/start.lock"
flock 9
if ! { [ -s "$GW/spamd.pid" ] && kill -0 "$(cat "$GW/spamd.pid")" 2>/dev/null; }; then
    mkdir -p "$GW/site" "$GW/home"
    chown nobody:nogroup "$GW/home"
    cat > "$GW/site/local.cf" <<'EOF'
report_safe 1
report_contact postmaster@gw.localdomain
required_score 5.0
header GATEWAY_EVERY_MAIL exists:From
describe GATEWAY_EVERY_MAIL Every mail passing the bench gateway
score GATEWAY_EVERY_MAIL 100
use_bayes 0
skip_rbl_checks 1
dns_available no
EOF
    cp /etc/spamassassin/init.pre /etc/spamassassin/v*.pre "$GW/site/" 2>/dev/null
    rm -f "$GW/spamd.sock"
    perl -T "$SPAMD" -d -x -L --syslog="$GW/spamd.log" --siteconfigpath="$GW/site" \
        --socketpath="$GW/spamd.sock" --socketowner=root --socketmode=0600 -u nobody -g nogroup \
        --pidfile="$GW/spamd.pid" --max-children=2 >> "$GW/start.log" 2>&1
    for _ in $(seq 1 600); do [ -S "$GW/spamd.sock" ] && break; sleep 0.1; done
    [ -S "$GW/spamd.sock" ] || { echo "spamd would not start (see $GW/start.log, $GW/spamd.log)" >&2; exit 1; }
fi
flock -u 9
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
spamc -U "$GW/spamd.sock" -x -s 100000000 < "$1" > "$tmp" || { echo "spamc failed ($?)" >&2; exit 1; }
cat "$tmp" > "$1"
