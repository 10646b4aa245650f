#!/bin/bash
# Composer: Go github.com/jhillyerd/enmime (golang-github-jhillyerd-enmime-dev), version from Debian's package; sources in go/enmime/.
exec bash "$(dirname "$0")/go/build_run.sh" enmime github.com/jhillyerd/enmime "$@"
