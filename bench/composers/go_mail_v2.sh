#!/bin/bash
# Composer: Go gopkg.in/mail.v2 (golang-gopkg-mail.v2-dev, the maintained fork of gomail), version from Debian's package; sources in go/mail_v2/.
exec bash "$(dirname "$0")/go/build_run.sh" mail_v2 gopkg.in/mail.v2 "$@"
