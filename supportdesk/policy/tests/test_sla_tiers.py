"""SLA policies by priority and contract tier, named calendars and priority rules in the policy file."""

from __future__ import annotations

from datetime import time

import pytest

from supportdesk.policy.loader import DEFAULT_POLICY_FILE, PolicyError, load_policy, parse_policy

DEFAULT_TEXT = DEFAULT_POLICY_FILE.read_text(encoding="utf-8")
URGENT = '''[[sla.policies]]
key = "urgent"
name = "Срочно: авария в эфире"
name_en = "Urgent: on-air incident"
priority = "urgent"
reply_target_hours = 1
reply_limit_hours = 2
calendar = "office"
'''


def fails(text: str) -> PolicyError:
    assert text != DEFAULT_TEXT, "the edit did not apply"
    with pytest.raises(PolicyError) as err:
        parse_policy(text, source="test.toml")
    return err.value


def edit_urgent(old: str, new: str) -> str:
    assert old in URGENT
    return DEFAULT_TEXT.replace(URGENT, URGENT.replace(old, new))


def test_the_default_file_has_the_tiers_of_the_issue():
    p = load_policy()
    urgent = p.sla.policy_for(priority="urgent", tier="")
    assert (urgent.key, urgent.reply_limit_seconds, urgent.calendar) == ("urgent", 2 * 3600, "office")
    premium = p.sla.policy_for(priority="urgent", tier="premium")
    assert (premium.key, premium.calendar) == ("premium-urgent", "24/7")
    # No policy for a normal ticket of a premium company: the [sla] default, 1–2 business days.
    default = p.sla.policy_for(priority="normal", tier="premium")
    assert (default.key, default.reply_target_seconds, default.reply_limit_seconds) == ("default", 9 * 3600, 18 * 3600)
    assert p.priority.default == "normal"
    assert "срыв эфира" in p.priority.words[0].words


def test_the_most_specific_policy_wins_whatever_the_order():
    tier_only = '[[sla.policies]]\nkey = "gold"\ntier = "gold"\nreply_target_hours = 3\nreply_limit_hours = 5\n'
    both = ('[[sla.policies]]\nkey = "gold-urgent"\ntier = "gold"\npriority = "urgent"\n'
            'reply_target_hours = 0.5\nreply_limit_hours = 1\ncalendar = "24/7"\n')
    p = parse_policy(DEFAULT_TEXT.replace(URGENT, tier_only + URGENT + both), source="t")
    assert p.sla.policy_for(priority="urgent", tier="gold").key == "gold-urgent"
    assert p.sla.policy_for(priority="high", tier="gold").key == "gold"
    assert p.sla.policy_for(priority="urgent", tier="silver").key == "urgent"


def test_named_calendars():
    text = DEFAULT_TEXT.replace("[[sla.policies]]", '[sla.calendars.extended]\nmon = ["08:00", "22:00"]\n\n'
                                "[[sla.policies]]", 1)
    text = text.replace(URGENT, URGENT.replace('calendar = "office"', 'calendar = "extended"'))
    p = parse_policy(text, source="t")
    assert p.sla.calendars["extended"][0] == (time(8), time(22))
    assert p.sla.calendars["extended"][1] is None
    assert p.sla.policy_for(priority="urgent", tier="").calendar == "extended"


@pytest.mark.parametrize(("text", "key", "reason"), [
    (edit_urgent('priority = "urgent"', 'priority = "critical"'), "sla.policies[0].priority", "unknown priority 'critical'"),
    (edit_urgent('calendar = "office"', 'calendar = "night"'), "sla.policies[0].calendar", "unknown calendar 'night'"),
    (edit_urgent("reply_limit_hours = 2", "reply_limit_hours = 0.5"), "sla.policies[0].reply_limit_hours",
     "the limit is shorter than the target"),
    (edit_urgent("reply_target_hours = 1", "reply_target_hours = 0"), "sla.policies[0].reply_target_hours",
     "must be greater than zero"),
    (edit_urgent("reply_target_hours = 1", 'reply_target_hours = "1h"'), "sla.policies[0].reply_target_hours",
     "must be float, not str"),
    (edit_urgent('priority = "urgent"\n', ""), "sla.policies[0].priority", "must name a priority, a tier or both"),
    (edit_urgent('key = "urgent"', 'key = "high"'), "sla.policies[1].key", "duplicate key 'high'"),
    (edit_urgent('priority = "urgent"', 'priority = "high"'), "sla.policies[1].priority",
     "another policy already matches priority 'high'"),
    (edit_urgent('calendar = "office"', 'calendar = "office"\ncolour = "red"'), "sla.policies[0].colour", "unknown key"),
    (DEFAULT_TEXT.replace("[priority.tiers]\n", '[priority.tiers]\npremium = "top"\n'), "priority.tiers.premium",
     "unknown priority 'top'"),
    (DEFAULT_TEXT.replace("[priority.tiers]\n", '[priority.tiers]\n"Premium Gold" = "high"\n'),
     "priority.tiers.Premium Gold", "not a contract tier slug"),
    (DEFAULT_TEXT.replace('default = "normal"', 'default = "medium"'), "priority.default", "unknown priority 'medium'"),
    (DEFAULT_TEXT.replace('words = ["срочно"', 'words = [""'), "priority.words[1].words", "non-empty strings"),
    (DEFAULT_TEXT.replace("[[sla.policies]]", '[sla.calendars.office]\nmon = ["08:00", "22:00"]\n\n[[sla.policies]]', 1),
     "sla.calendars.office", "office and 24/7 are built in"),
    (DEFAULT_TEXT.replace("[[sla.policies]]", '[sla.calendars.nights]\nmon = ["22:00", "08:00"]\n\n[[sla.policies]]', 1),
     "sla.calendars.nights.mon", "end 08:00 is not after start 22:00"),
])
def test_a_wrong_sla_or_priority_key_is_named_with_its_reason(text: str, key: str, reason: str):
    error = fails(text)
    assert error.key == key
    assert reason in str(error)
    assert "test.toml" in str(error)
