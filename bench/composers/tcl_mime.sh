#!/usr/bin/env bash
# Tcl's tcllib `mime` package (Debian package tcllib; version from `package require mime`), as its manual
# shows: mime::initialize -canonical type -param/-header ... -string, -parts for multipart/alternative,
# multipart/related (images with their Content-ID), multipart/mixed and message/rfc822 (the forwarded mail
# built with mime too), mime::setheader for From/To/Subject with mime::word_encode (tcllib's RFC 2047
# encoder; tcllib writes header and parameter values as given) in the case's charset, and
# mime::buildmessage for the bytes. Text is converted to the case's charset with Tcl's encoding
# (named by mime::reversemapencoding); tcllib chooses the transfer encodings itself.
set -euo pipefail
command -v tclsh >/dev/null || { echo "tclsh not installed (apt-get install tcl tcllib)" >&2; exit 3; }
echo 'package require mime; package require json; package require base64' | tclsh >/dev/null 2>&1 \
  || { echo "tcllib not installed (apt-get install tcllib)" >&2; exit 3; }
exec tclsh /dev/stdin "$@" <<'TCL'
package require mime
package require json
package require base64

lassign $argv casesFile outDir
set f [open $casesFile r]; fconfigure $f -encoding utf-8; set cases [dict get [json::json2dict [read $f]] cases]; close $f

proc field {dict key} { expr {[dict exists $dict $key] ? [dict get $dict $key] : ""} }

# A header value: a quoted string when ASCII, else RFC 2047 encoded-words in the charset.
proc hvalue {text tclenc} {
    if {[string is ascii $text]} { return "\"[string map {\\ \\\\ \" \\\"} $text]\"" }
    return [mime::word_encode $tclenc base64 $text -charset_encoded 0]
}
proc text_part {type text cs tclenc} {
    mime::initialize -canonical $type -param [list charset $cs] -string [encoding convertto $tclenc $text]
}
proc file_part {item disposition tclenc} {
    set name [hvalue [dict get $item name] $tclenc]
    set headers [list -header [list Content-Disposition "$disposition; filename=$name"]]
    if {[dict exists $item cid]} { lappend headers -header [list Content-ID "<[dict get $item cid]>"] }
    mime::initialize -canonical [dict get $item type] -param [list name [string trim $name \"]] {*}$headers \
        -encoding base64 -string [base64::decode [dict get $item content_b64]]
}
proc finish {token from subject tclenc} {
    mime::setheader $token From $from
    mime::setheader $token To support@example.com
    mime::setheader $token Subject [mime::word_encode $tclenc base64 $subject -charset_encoded 0]
    return $token
}

foreach case $cases {
    set cs [string tolower [field $case charset]]; if {$cs eq ""} { set cs utf-8 }
    set tclenc [mime::reversemapencoding $cs]
    set text [field $case text]; set html [field $case html]
    set body {}
    if {$text ne "" || $html eq ""} { lappend body [text_part text/plain $text $cs $tclenc] }
    if {$html ne ""} {
        set h [text_part text/html $html $cs $tclenc]
        set images {}
        foreach item [field $case inline] { lappend images [file_part $item inline $tclenc] }
        if {[llength $images]} { set h [mime::initialize -canonical multipart/related -parts [list $h {*}$images]] }
        lappend body $h
    }
    set top [expr {[llength $body] > 1 ? [mime::initialize -canonical multipart/alternative -parts $body] : [lindex $body 0]}]
    set parts {}
    foreach item [field $case attachments] { lappend parts [file_part $item attachment $tclenc] }
    if {[dict exists $case forward]} {
        set fwd [dict get $case forward]
        regexp {^(.*?)\s*<([^>]+)>$} [dict get $fwd from] -> fname faddr
        set inner [finish [text_part text/plain [dict get $fwd text] utf-8 utf-8] \
                       "[hvalue $fname utf-8] <$faddr>" [dict get $fwd subject] utf-8]
        set name [hvalue [dict get $fwd name] $tclenc]
        lappend parts [mime::initialize -canonical message/rfc822 -param [list name [string trim $name \"]] \
                           -header [list Content-Disposition "attachment; filename=$name"] -parts [list $inner]]
    }
    if {[llength $parts]} { set top [mime::initialize -canonical multipart/mixed -parts [list $top {*}$parts]] }
    set from [dict get $case from]
    finish $top "[hvalue [dict get $from name] $tclenc] <[dict get $from addr]>" [dict get $case subject] $tclenc
    set out [open [file join $outDir "[dict get $case id].eml"] w]
    fconfigure $out -translation binary
    puts -nonewline $out [mime::buildmessage $top]
    close $out
    mime::finalize $top -subordinates all
}
TCL
