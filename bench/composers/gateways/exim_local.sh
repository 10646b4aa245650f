#!/bin/bash
# Exim 4.96 (Debian's exim4-daemon-light) takes the mail as a local submission and delivers it
# at once (-odi) into a Maildir with an appendfile transport set as Debian's maildir_home
# transport is (Return-path, Envelope-to and Delivery-date added); the delivered file is what
# the recipient's mailbox holds. A private configuration (-C), spool and log under
# /tmp/sd_composers/gw/exim/; no daemon, nothing listens, the system's Exim is not touched. With
# -C Exim gives up root for its own user, so the transport delivers as Debian-exim.
# Usage: exim_local.sh MAILFILE
set -u
GW=/tmp/sd_composers/gw/exim
command -v exim4 >/dev/null || { echo "missing: exim4 (install_mta_gateways.sh)" >&2; exit 3; }
if [ ! -f "$GW/exim.conf" ]; then
    mkdir -p "$GW/spool" "$GW/log" "$GW/mail"
    chmod 1777 "$GW/mail"
    chown Debian-exim: "$GW/spool" "$GW/log" 2>/dev/null
    cat > "$GW/exim.conf.new" <<EOF
primary_hostname = exim.gw.localdomain
qualify_domain = gw.localdomain
spool_directory = $GW/spool
log_file_path = $GW/log/%slog
domainlist local_domains = localhost
trusted_users = root
message_size_limit = 100M
keep_environment =

begin routers

gateway:
  driver = accept
  domains = localhost
  local_parts = gw
  transport = maildir

begin transports

maildir:
  driver = appendfile
  directory = $GW/mail/gw
  maildir_format
  delivery_date_add
  envelope_to_add
  return_path_add
  user = Debian-exim
  group = Debian-exim
  mode = 0600
  directory_mode = 0700

begin retry
*   *   F,1m,1m
EOF
    mv "$GW/exim.conf.new" "$GW/exim.conf"
fi
# One mail at a time: the file that arrives in new/ is this one.
exec 8> "$GW/mail/gw.lock"
flock 8
shopt -s nullglob
rm -f "$GW/mail/gw"/new/*
exim4 -C "$GW/exim.conf" -odi -oi -f gateway@localhost gw@localhost < "$1" 2>> "$GW/log/stderr" ||
    { echo "exim: delivery failed (see $GW/log/mainlog)" >&2; exit 1; }
delivered=("$GW/mail/gw"/new/*)
[ ${#delivered[@]} -eq 1 ] || { echo "exim: not delivered to $GW/mail/gw/new (see $GW/log/mainlog)" >&2; exit 1; }
cat "${delivered[0]}" > "$1"
rm -f "${delivered[@]}"
