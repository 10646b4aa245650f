"""``supportdesk mail …``: e-mail intake tools.  One function per subcommand.

    supportdesk mail parse FILE [--json]   show how a raw message parses (never crashes)
    supportdesk mail import PATH           import a Maildir, an mbox or a folder of .eml files
                                           (--history-before DATE | --history: old mail as history)
    supportdesk mail poll [--loop]         fetch from the IMAP mailboxes
    supportdesk mail lmtp --port N         receive mail from an MTA over LMTP (--smtp: SMTP)
    supportdesk mail check FILE [--json]   which of the four items of rule 5 the request holds
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from supportdesk.mail.cli_intake import add_intake_subcommands, handler_table
from supportdesk.mail.parsing import ParsedMail, parse_mail, parsed_mail_json

_TEXT_PREVIEW = 1200


class Command(BaseCommand):
    help = "E-mail intake tools: parse a raw message file, import, poll IMAP, receive LMTP/SMTP."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, parser_class=type(parser))
        parse = sub.add_parser("parse", help="Parse one raw message (.eml) and show the result.")
        parse.add_argument("file", help="path of the raw message; '-' is not supported")
        parse.add_argument("--json", action="store_true", help="print the parsed mail as JSON")
        parse.set_defaults(handler=self.parse)
        # import, poll, lmtp: supportdesk.mail.cli_intake (the intake side of this command).
        add_intake_subcommands(sub, handler_table(self._raw_stdout))
        check = sub.add_parser("check", help="Run the completeness check (rule 5) on one raw message.")
        check.add_argument("file", help="path of the raw message (.eml)")
        check.add_argument("--json", action="store_true", help="print the result as JSON")
        check.set_defaults(handler=self.checklist)

    def _raw_stdout(self) -> TextIO:
        return cast(TextIO, self.stdout._out)  # the progress bar writes carriage returns without Django's styling

    def handle(self, *args: Any, **options: Any) -> None:
        handler: Callable[[dict[str, Any]], None] = options["handler"]
        handler(options)

    def parse(self, options: dict[str, Any]) -> None:
        raw = _read_file(options["file"])
        parsed = parse_mail(raw)
        if options["json"]:
            self.stdout.write(json.dumps(parsed_mail_json(parsed), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(format_summary(parsed))

    def checklist(self, options: dict[str, Any]) -> None:
        from supportdesk.checklist import check_request, checklist_json
        from supportdesk.mail.handlers import attachment_infos
        from supportdesk.replies.completeness import own_domains, product_specs

        parsed = parse_mail(_read_file(options["file"]))
        result = check_request(text=parsed.body_text, subject=parsed.subject, products=product_specs(),
                               attachments=attachment_infos(parsed.attachments),
                               quoted=parsed.quoted_text, own_domains=own_domains())
        data = checklist_json(result)
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
        else:
            self.stdout.write("\n".join(f"{key}: {value}" for key, value in data.items()))


def _read_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        # returncode 2: the file itself could not be read (content is never an error).
        raise CommandError(f"cannot read {path}: {exc.strerror or exc}", returncode=2) from exc


def format_summary(p: ParsedMail) -> str:
    """A human-readable account of what the parser saw and decided."""
    kind = []
    if p.is_bounce:
        delay = " (delay warning)" if p.bounce_delayed else ""
        kind.append(f"BOUNCE{delay} (original {p.bounced_message_id or '?'}, recipient {p.bounced_recipient or '?'})")
    if p.is_auto_reply:
        kind.append(f"AUTO-REPLY ({p.auto_reply_reason})")
    if p.is_spam:
        kind.append(f"SPAM ({p.spam_reason})")
    lines = [
        f"From:        {p.from_name} <{p.from_addr or '?'}>" if p.from_name else f"From:        {p.from_addr or '?'}",
        f"To:          {', '.join(p.to_addrs)}",
        f"Subject:     {p.subject}",
        f"Date:        {p.date.isoformat() if p.date else '?'}  (UTC offset: "
        f"{'?' if p.utc_offset is None else f'{p.utc_offset:+d} min'})",
        f"Message-ID:  {p.message_id or '(none)'}",
        f"In-Reply-To: {p.in_reply_to or '(none)'}",
        f"References:  {' '.join(p.references) or '(none)'}",
        f"Language:    {p.language or '?'}   charset: {p.charset or 'ascii'}",
        f"Kind:        {'; '.join(kind) or 'human mail'}",
        f"Attachments: {len(p.attachments)}",
    ]
    for a in p.attachments:
        inline = ", inline" if a.is_inline else ""
        lines.append(f"  - {a.filename} ({a.content_type}, {a.size} bytes{inline})")
    lines.append(f"Defects:     {', '.join(p.defects) or 'none'}")
    lines.append("")
    lines.append("--- new text " + "-" * 40)
    lines.append(_clip(p.body_text))
    if p.signature_start is not None:
        end = p.quoted_start if p.quoted_start is not None else len(p.text)
        lines.append("--- signature " + "-" * 39)
        lines.append(_clip(p.text[p.signature_start : end].strip()))
    if p.quoted_start is not None:
        lines.append(f"--- quoted history: {len(p.quoted_text)} characters (folded) ---")
    return "\n".join(lines)


def _clip(text: str) -> str:
    return text if len(text) <= _TEXT_PREVIEW else text[:_TEXT_PREVIEW] + f"\n… ({len(text)} characters)"
