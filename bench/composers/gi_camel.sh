#!/bin/bash
# Camel (Evolution's MIME library) through the system Python's GObject introspection (install_gi.sh).
/usr/bin/python3 -c 'import gi; gi.require_version("Camel", "1.2")' 2>/dev/null || { echo "missing: gir1.2-camel-1.2 (install_gi.sh)" >&2; exit 3; }
exec /usr/bin/python3 "$(dirname "$0")/gi/camel_compose.py" "$@"
