"""The parsed-mail value: what intake, routing and the UI read from one raw message."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ParsedAttachment:
    filename: str
    content_type: str
    content: bytes = field(repr=False)
    content_id: str | None = None
    is_inline: bool = False
    # The part carried no name of its own: the filename was made up from its type.
    name_generated: bool = False

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass(frozen=True, slots=True)
class ParsedMail:
    from_addr: str | None
    from_name: str
    to_addrs: tuple[str, ...]
    cc_addrs: tuple[str, ...]
    reply_to: tuple[str, ...]
    subject: str
    text: str
    html_sanitised: str | None
    quoted_start: int | None
    signature_start: int | None
    attachments: tuple[ParsedAttachment, ...]
    message_id: str | None
    in_reply_to: str | None
    references: tuple[str, ...]
    date: datetime | None
    utc_offset: int | None
    language: str | None
    is_auto_reply: bool
    auto_reply_reason: str | None
    is_bounce: bool
    bounced_message_id: str | None
    bounced_recipient: str | None
    is_spam: bool
    spam_reason: str | None
    charset: str | None
    defects: tuple[str, ...]
    # A delay warning (the MTA still retries): a bounce for the agents, not yet a lost address.
    bounce_delayed: bool = False
    # The raw Authentication-Results headers, topmost first (judged by ``authresults``).
    auth_results: tuple[str, ...] = ()
    # A person's post relayed by a discussion list (its List-Id, or the list's address): an
    # automatic mail (never answered automatically) that is still a person's, so no robot's.
    via_list: str | None = None
    # (name, address) of the person behind a post the list re-sent under its own address.
    list_author: tuple[str, str] | None = None

    @property
    def is_robot(self) -> bool:
        """Never opens a ticket (nor is answered automatically)."""
        return (self.is_auto_reply and self.via_list is None) or self.is_bounce

    @property
    def new_text(self) -> str:
        """What the sender wrote this time: the text before quoted history."""
        end = self.quoted_start if self.quoted_start is not None else len(self.text)
        return self.text[:end].rstrip()

    @property
    def quoted_text(self) -> str:
        """The quoted history (and forwards) after the new text; "" when there is none."""
        return self.text[self.quoted_start:] if self.quoted_start is not None else ""

    @property
    def body_text(self) -> str:
        """The new text without the signature (for the completeness check)."""
        ends = [x for x in (self.quoted_start, self.signature_start) if x is not None]
        return self.text[: min(ends)].rstrip() if ends else self.text.rstrip()
