#!/bin/bash
# The gateways bench/mail_composers.py --gateway passes composed mail through (Debian's packages).
set -e
command -v altermime >/dev/null && command -v reformime >/dev/null && exit 0
apt-get -o DPkg::Lock::Timeout=900 -qq update >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 -qq install -y altermime maildrop >/dev/null
