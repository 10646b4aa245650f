#!/bin/bash
# GMime 3 through the system Python's GObject introspection (install_gi.sh).
/usr/bin/python3 -c 'import gi; gi.require_version("GMime", "3.0")' 2>/dev/null || { echo "missing: gir1.2-gmime-3.0 (install_gi.sh)" >&2; exit 3; }
exec /usr/bin/python3 "$(dirname "$0")/gi/gmime_compose.py" "$@"
