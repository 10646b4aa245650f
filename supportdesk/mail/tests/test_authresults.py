"""The verdict on a sender from Authentication-Results (pure; issue 19 item 7)."""

from __future__ import annotations

from supportdesk.mail.parsing import parse_mail
from supportdesk.mail.parsing.authresults import Verdict, sender_authentication

OURS = "mx.softlab.tv"


def verdict(*values: str, trusted: tuple[str, ...] = (OURS,), domain: str = "tv-sibir.ru") -> tuple[str, str]:
    auth = sender_authentication(values, trusted_ids=trusted, from_domain=domain)
    return auth.verdict, auth.detail


def test_dmarc_fail_and_pass_from_our_mta():
    assert verdict(f"{OURS}; spf=fail smtp.mailfrom=evil.test; dkim=none; dmarc=fail (p=reject) "
                   "header.from=tv-sibir.ru") == (Verdict.FAIL, f"dmarc=fail header.from=tv-sibir.ru ({OURS})")
    assert verdict(f"{OURS}; dmarc=pass header.from=tv-sibir.ru")[0] == Verdict.PASS


def test_a_header_from_anyone_else_is_ignored():
    assert verdict("mx.evil.test; dmarc=pass header.from=tv-sibir.ru") == (
        Verdict.NONE, "no Authentication-Results from a trusted server")
    assert verdict(f"{OURS}; dmarc=pass", trusted=())[0] == Verdict.NONE


def test_only_the_topmost_trusted_header_counts():
    # Our MTA prepends; a forger's copy with our authserv-id sits below it.
    assert verdict(f"{OURS}; dmarc=fail header.from=tv-sibir.ru",
                   f"{OURS}; dmarc=pass header.from=tv-sibir.ru")[0] == Verdict.FAIL
    assert verdict("mx.evil.test; dmarc=pass", f"{OURS}; dmarc=fail header.from=tv-sibir.ru")[0] == Verdict.FAIL


def test_without_dmarc_an_aligned_dkim_or_spf_pass_proves_the_domain():
    assert verdict(f"{OURS}; dkim=pass header.d=tv-sibir.ru header.i=@tv-sibir.ru") == (
        Verdict.PASS, f"dkim=pass header.d=tv-sibir.ru ({OURS})")
    assert verdict(f"{OURS}; dkim=pass header.d=mail.tv-sibir.ru")[0] == Verdict.PASS  # relaxed alignment
    assert verdict(f"{OURS}; spf=pass smtp.mailfrom=bounce@tv-sibir.ru")[0] == Verdict.PASS
    # A valid signature of some other domain proves nothing about the From address.
    assert verdict(f"{OURS}; dkim=pass header.d=mailer.test; spf=pass smtp.mailfrom=x@mailer.test") == (
        Verdict.NONE, f"dkim=pass spf=pass ({OURS})")
    assert verdict(f"{OURS}; dmarc=temperror header.from=tv-sibir.ru")[0] == Verdict.NONE


def test_garbage_is_no_verdict_and_no_error():
    for value in ("", ";;;", "=", f"{OURS}; dkim", "\x00", OURS + "; " + "x=" * 5000):
        assert verdict(value)[0] == Verdict.NONE


def test_the_parser_keeps_every_header_topmost_first():
    raw = (f"Authentication-Results: {OURS};\r\n dmarc=fail header.from=tv-sibir.ru\r\n"
           f"Authentication-Results: {OURS}; dmarc=pass\r\nFrom: a@tv-sibir.ru\r\nSubject: x\r\n\r\nbody\r\n").encode()
    parsed = parse_mail(raw)
    assert len(parsed.auth_results) == 2
    assert sender_authentication(parsed.auth_results, trusted_ids=[OURS], from_domain="tv-sibir.ru").verdict == "fail"
