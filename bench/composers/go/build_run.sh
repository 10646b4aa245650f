#!/bin/bash
# Builds bench/composers/go/<dir> in GOPATH mode against Debian's /usr/share/gocode/src
# (no module proxy) into /tmp/sd_composers/go, then runs it with the composer's two arguments.
# Usage: build_run.sh <dir> <required source dir under /usr/share/gocode/src> CASES OUTDIR
dir=$1 need=$2; shift 2
here=$(cd "$(dirname "$0")" && pwd)
command -v go >/dev/null || { echo "go not installed (bash install_go.sh)" >&2; exit 3; }
[ -d "/usr/share/gocode/src/$need" ] || { echo "$need not installed (bash install_go.sh)" >&2; exit 3; }
work=${SD_COMPOSERS:-/tmp/sd_composers}/go
mkdir -p "$work/bin"
# Debian ships go-simple-mail (module path .../v2) without the /v2 directory GOPATH mode needs.
v2=$work/gopath/src/github.com/xhit/go-simple-mail/v2
if [ ! -e "$v2" ] && [ -d /usr/share/gocode/src/github.com/xhit/go-simple-mail ]; then
  mkdir -p "$(dirname "$v2")" && ln -s /usr/share/gocode/src/github.com/xhit/go-simple-mail "$v2"
fi
export GO111MODULE=off GOPATH="$work/gopath:/usr/share/gocode" GOCACHE="$work/cache" GOFLAGS= GOPROXY=off
(cd "$here/$dir" && go build -o "$work/bin/$dir" .) || exit 1
exec "$work/bin/$dir" "$@"
