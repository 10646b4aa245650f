#!/usr/bin/env bash
# Apache Commons Email 1.5 from Debian (libcommons-email-java, on javax.mail 1.6): builds java/commons_email/ into
# /tmp/sd_composers/java and runs it as: java_commons_email.sh CASES_JSON OUTDIR.
set -euo pipefail
lib=/usr/share/java
cp="$lib/commons-email.jar:$lib/javax.mail.jar:$lib/javax.activation.jar:$lib/gson.jar"
for jar in ${cp//:/ }; do
  [ -f "$jar" ] || { echo "not installed: $jar (run install_java.sh)" >&2; exit 3; }
done
command -v javac >/dev/null || { echo "not installed: javac" >&2; exit 3; }
src="$(cd "$(dirname "$0")" && pwd)/java/commons_email/CommonsEmailComposer.java"
out="${SD_COMPOSERS:-/tmp/sd_composers}/java/commons_email"
if [ ! -f "$out/CommonsEmailComposer.class" ] || [ "$src" -nt "$out/CommonsEmailComposer.class" ]; then
  mkdir -p "$out"
  javac -nowarn -d "$out" -cp "$cp" "$src"
fi
exec java -cp "$out:$cp" CommonsEmailComposer "$1" "$2"
