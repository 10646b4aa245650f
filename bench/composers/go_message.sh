#!/bin/bash
# Composer: Go github.com/emersion/go-message (golang-github-emersion-go-message-dev), version from Debian's package; sources in go/message/.
exec bash "$(dirname "$0")/go/build_run.sh" message github.com/emersion/go-message "$@"
