"""Pure e-mail parsing: raw bytes in, an immutable ParsedMail out (no Django, no ORM)."""

from .export import parsed_mail_json
from .model import ParsedAttachment, ParsedMail
from .parse import parse_mail

__all__ = ["ParsedAttachment", "ParsedMail", "parse_mail", "parsed_mail_json"]
