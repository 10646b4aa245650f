#!/bin/bash
# Go and the Go mail libraries Debian packages (sources under /usr/share/gocode/src).
set -e
PKGS="golang-go golang-github-emersion-go-message-dev golang-gopkg-mail.v2-dev
      golang-github-xhit-go-simple-mail-dev golang-github-jhillyerd-enmime-dev golang-golang-x-text-dev"
missing=$(for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
[ -z "$missing" ] && exit 0
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq $missing >/dev/null 2>&1 || { apt-get update -qq >/dev/null; apt-get install -y -qq $missing >/dev/null; }
