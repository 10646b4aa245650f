#!/bin/bash
# Rust mail libraries from Debian (librust-*-dev under /usr/share/cargo/registry).
# Debian packages no mail-composing crate (no lettre, mail-builder or mail-send), so there is
# nothing to install; this only reports that.
if ! apt-cache show librust-lettre-dev >/dev/null 2>&1 && ! apt-cache show librust-mail-builder-dev >/dev/null 2>&1; then
  echo "install_rust.sh: Debian packages no Rust mail-composing crate (lettre, mail-builder); skipping" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
for p in librust-lettre-dev librust-mail-builder-dev; do
  dpkg -s "$p" >/dev/null 2>&1 || apt-get install -y -qq "$p" >/dev/null 2>&1 || true
done
