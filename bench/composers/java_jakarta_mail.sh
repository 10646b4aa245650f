#!/usr/bin/env bash
# Jakarta Mail 2.0 from Debian (libjakarta-mail-java): builds java/jakarta_mail/ into /tmp/sd_composers/java and
# runs it as: java_jakarta_mail.sh CASES_JSON OUTDIR.
set -euo pipefail
lib=/usr/share/java
cp="$lib/jakarta-mail.jar:$lib/jakarta-activation.jar:$lib/gson.jar"
for jar in ${cp//:/ }; do
  [ -f "$jar" ] || { echo "not installed: $jar (run install_java.sh)" >&2; exit 3; }
done
command -v javac >/dev/null || { echo "not installed: javac" >&2; exit 3; }
src="$(cd "$(dirname "$0")" && pwd)/java/jakarta_mail/JakartaMailComposer.java"
out="${SD_COMPOSERS:-/tmp/sd_composers}/java/jakarta_mail"
if [ ! -f "$out/JakartaMailComposer.class" ] || [ "$src" -nt "$out/JakartaMailComposer.class" ]; then
  mkdir -p "$out"
  javac -nowarn -d "$out" -cp "$cp" "$src"
fi
exec java -cp "$out:$cp" JakartaMailComposer "$1" "$2"
