#!/bin/bash
# Postfix 3.7 as in postfix_local.sh, but the mail crosses an SMTP hop whose server does not
# announce 8BITMIME (smtpd_discard_ehlo_keywords = 8bitmime): the sending Postfix converts
# 8-bit MIME parts to quoted-printable, then the receiving one delivers it into a Maildir.
# Usage: postfix_7bit.sh MAILFILE
POSTFIX_GW_HOP=7bit exec bash "$(dirname "$0")/postfix_local.sh" "$1"
