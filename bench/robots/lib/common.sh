# Shell functions shared by bench/robots' generators and installers (bash; source it:
#   . "$(dirname "$0")/lib/common.sh"
# ). It sets ROBOTS (bench/robots), REPO (the repository) and PY (the project's venv python,
# which has aiosmtpd; SD_PYTHON overrides it, as bench/mail_robots.py passes its own), and
# defines the functions below; nothing runs on sourcing. Functions that write a case use $OUT.

ROBOTS=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REPO=$(cd "$ROBOTS/../.." && pwd)
PY=${SD_PYTHON:-$REPO/.venv/bin/python}
APT=(apt-get -o DPkg::Lock::Timeout=900 -qq)

# --- installing (install_*.sh) ---------------------------------------------------------------

apt_install() {  # apt_install PKG...: install ordinary packages (no daemon), apt-get update if not found
    DEBIAN_FRONTEND=noninteractive "${APT[@]}" install -y --no-install-recommends "$@" >/dev/null 2>&1 || {
        "${APT[@]}" update >/dev/null
        DEBIAN_FRONTEND=noninteractive "${APT[@]}" install -y --no-install-recommends "$@" >/dev/null
    }
}

deb_download() {  # deb_download DEBDIR PKG...: each PKG's .deb into DEBDIR (apt-get download), unless there
    local dir=$1 p
    shift
    mkdir -p "$dir"
    for p in "$@"; do
        ls "$dir/${p}"_*.deb >/dev/null 2>&1 && continue
        (cd "$dir" && "${APT[@]}" download "$p" 2>/dev/null) || {
            "${APT[@]}" update >/dev/null
            (cd "$dir" && "${APT[@]}" download "$p" 2>/dev/null)
        } || { echo "apt-get download $p failed" >&2; return 1; }
    done
}

deb_unpack() {  # deb_unpack ROOT DEBDIR PKG...: unpack the packages (dpkg-deb -x, never installed) under ROOT, once
    # ROOT/.unpacked marks a complete unpacking; the packages are unpacked into ROOT.new first
    # and moved into place whole, so an interrupted run leaves no half-unpacked ROOT.
    local root=$1 dir=$2 p
    shift 2
    [ -f "$root/.unpacked" ] && return 0
    deb_download "$dir" "$@" || return 1
    rm -rf "$root.new" && mkdir -p "$root.new"
    for p in "$@"; do
        dpkg-deb -x "$(ls "$dir/${p}"_*.deb | tail -1)" "$root.new" || return 1
    done
    touch "$root.new/.unpacked"
    rm -rf "$root" && mv "$root.new" "$root"
}

deb_version() {  # deb_version DEBDIR PKG: the version of the downloaded package
    dpkg-deb -f "$(ls "$1/$2"_*.deb | tail -1)" Version
}

# --- running a generator -----------------------------------------------------------------------

not_installed() {  # not_installed MESSAGE: exit 3 (the software is not installed here), MESSAGE on stderr
    echo "$1" >&2
    exit 3
}

lock_run() {  # lock_run LOCKFILE [SECONDS]: one run at a time (fd 9 holds the lock until exit)
    mkdir -p "$(dirname "$1")"
    exec 9> "$1"
    flock ${2:+-w "$2"} 9 || { echo "$(basename "$0"): another run holds $1" >&2; exit 1; }
}

prepare_out() {  # prepare_out DIR [CASE...]: OUT=DIR (absolute), without the cases' .eml (all .eml) and expect.jsonl
    local c
    mkdir -p "$1" && OUT=$(cd "$1" && pwd)
    shift
    if [ $# -gt 0 ]; then
        for c in "$@"; do rm -f "$OUT/$c.eml"; done
    else
        rm -f "$OUT"/*.eml
    fi
    rm -f "$OUT/expect.jsonl"
}

original() {  # original TO MESSAGE-ID VARIANT [CC]: our mail (lib/original.py) on stdout, CRLF line ends
    python3 "$ROBOTS/lib/original.py" --to "$1" --message-id "$2" --variant "$3" ${4:+--cc "$4"}
}

original_lf() {  # original_lf TO MESSAGE-ID VARIANT: the same with LF line ends, as a local program hands it to sendmail
    original "$@" | tr -d '\r'
}

port_is_closed() {  # port_is_closed PORT: true when nothing listens on 127.0.0.1:PORT (says so on stderr otherwise)
    if (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null; then
        echo "$(basename "$0"): something listens on 127.0.0.1:$1" >&2
        return 1
    fi
}

# --- SMTP servers in the background (lib/refusing_smtp.py, lib/capture_smtp.py) ---------------

SERVER_PIDS=()
wait_line() {  # wait_line FILE PATTERN PID: until FILE has a line matching PATTERN (10 s), while PID lives
    for _ in $(seq 1 100); do
        grep -q "$2" "$1" 2>/dev/null && return 0
        kill -0 "$3" 2>/dev/null || break
        sleep 0.1
    done
    return 1
}

start_server() {  # start_server LOG SCRIPT PORT ARGS...: python lib/SCRIPT --port PORT ARGS, once it prints "ready PORT"
    local log=$1 script=$2 port=$3
    shift 3
    "$PY" "$ROBOTS/lib/$script" --port "$port" "$@" > "$log" 2>&1 &
    SERVER_PIDS+=($!)
    wait_line "$log" "^ready $port" "$!" && return 0
    echo "$(basename "$0"): $script on port $port did not start: $(cat "$log")" >&2
    return 1
}

start_refusing() {  # start_refusing LOG PORT ARGS...: a remote server that refuses/defers (--rcpt C --data C)
    local log=$1
    shift
    start_server "$log" refusing_smtp.py "$@"
}

stop_servers() {  # stop_servers: kill the servers started above and wait for them
    local p
    for p in "${SERVER_PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${SERVER_PIDS[@]}"; do wait "$p" 2>/dev/null; done
    SERVER_PIDS=()
}

# --- expect.jsonl and stdout lines ------------------------------------------------------------

AUTO_REPLY='{"is_auto_reply": true, "is_bounce": false, "is_robot": true}'

bounce_json() {  # bounce_json RCPT MESSAGE-ID [true|false|-]: what is true of a failure DSN (true: a delay warning; -: unsaid)
    local delayed=${3:-false}
    printf '{"is_bounce": true, %s"is_robot": true, "bounced_recipient": "%s", "bounced_message_id": "%s"}' \
        "$([ "$delayed" = - ] || echo "\"bounce_delayed\": $delayed, ")" "$1" "$2"
}

expect_line() {  # expect_line CASE WHAT EXPECT_JSON: the case's line in $OUT/expect.jsonl
    printf '{"case": "%s", "what": "%s", "expect": %s}\n' "$1" "$2" "$3" >> "$OUT/expect.jsonl"
}

silent_line() {  # silent_line CASE WHAT: a responder rightly wrote nothing
    printf '{"case": "%s", "what": "%s", "expect": {}, "silent": true}\n' "$1" "$2" >> "$OUT/expect.jsonl"
}

skipped_line() {  # skipped_line CASE REASON: a case that did not come out, on stdout
    printf '{"case": "%s", "skipped": "%s"}\n' "$1" "$2"
}

case_failed() {  # case_failed CASE: a case that failed this run (the reason is on stderr)
    skipped_line "$1" "failed this run: see the generator's stderr"
}

# --- auto-responders: a "sendmail" that captures what they send ---------------------------------

capture_sendmail() {  # capture_sendmail SCRIPT DIR: write SCRIPT, a sendmail that keeps stdin as DIR/mail.eml
    # Its arguments go to DIR/mail.args; DIR/mail.done is touched when the message is complete.
    mkdir -p "$2"
    cat > "$1" <<SH
#!/bin/sh
printf '%s\\n' "\$*" > "$2/mail.args"
cat > "$2/mail.eml"
touch "$2/mail.done"
SH
    chmod 755 "$1"
}

take_capture() {  # take_capture DIR CASE RC PROGRAM [LOG]: prints 1 and copies DIR/mail.eml to $OUT/CASE.eml once captured (3 s), else 0
    # RC is the responder's exit status: when not 0, PROGRAM's failure (and its LOG) go to stderr.
    # A responder may return while its sendmail still writes: mail.done says it is complete.
    if [ "$3" -ne 0 ]; then
        echo "$4 exited $3 for case $2${5:+ (log: $5)}" >&2
        [ -z "${5:-}" ] || cat "$5" >&2
    fi
    for _ in $(seq 30); do [ -e "$1/mail.done" ] && break; sleep 0.1; done
    if [ -e "$1/mail.done" ]; then cat "$1/mail.eml" > "$OUT/$2.eml"; echo 1; else echo 0; fi
}

answer_or_silence() {  # answer_or_silence ANSWERED(1|0) CASE WHAT_ANSWERED WHAT_SILENT [EXPECT_JSON]
    # For our mail a responder must not answer (our Auto-Submitted ack): its answer is a case
    # (EXPECT_JSON, an auto-reply by default), its silence a silent line.
    if [ "$1" = 1 ]; then expect_line "$2" "$3" "${5:-$AUTO_REPLY}"; else silent_line "$2" "$4"; fi
}

require_mail() {  # require_mail MESSAGE: exit 1 with MESSAGE when $OUT holds no .eml
    ls "$OUT"/*.eml >/dev/null 2>&1 || { echo "$1" >&2; exit 1; }
}
