#!/bin/bash
# GMime 3 (Balsa's and notmuch's MIME library) and Camel (Evolution's) through GObject
# introspection, for the system Python: Debian's packages.
set -e
if /usr/bin/python3 -c 'import gi; gi.require_version("GMime", "3.0"); gi.require_version("Camel", "1.2"); from gi.repository import GMime, Camel' 2>/dev/null; then
    exit 0
fi
apt-get -o DPkg::Lock::Timeout=900 -qq update >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 -qq install -y python3-gi gir1.2-gmime-3.0 gir1.2-camel-1.2 >/dev/null
