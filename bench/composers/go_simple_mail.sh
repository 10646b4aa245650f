#!/bin/bash
# Composer: Go github.com/xhit/go-simple-mail/v2 (golang-github-xhit-go-simple-mail-dev), version from Debian's package; sources in go/simple_mail/.
exec bash "$(dirname "$0")/go/build_run.sh" simple_mail github.com/xhit/go-simple-mail "$@"
