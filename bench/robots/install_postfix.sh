#!/bin/bash
# Postfix for robots/postfix.sh: the composers' unpacked copy (never the system's MTA).
exec bash "$(dirname "$0")/../composers/lib/unpack_postfix.sh"
