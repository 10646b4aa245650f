from __future__ import annotations

import os
import subprocess
import sys
from datetime import time
from pathlib import Path

import pytest

from supportdesk.policy.loader import DEFAULT_POLICY_FILE, PolicyError, load_policy, parse_policy

DEFAULT_TEXT = DEFAULT_POLICY_FILE.read_text(encoding="utf-8")


def parse(text: str):
    return parse_policy(text, source="test.toml")


def test_default_policy_reproduces_the_seed():
    p = load_policy()
    assert p.support_email == "forward@softlab.tv"
    assert p.main_phone.number == "+7 (383) 363-04-62"
    assert p.main_phone.multiline
    assert p.office.timezone == "Asia/Novosibirsk"
    assert all(p.office.hours[d] == (time(9), time(18)) for d in range(5))
    assert p.office.hours[5] is None and p.office.hours[6] is None
    assert p.channels.official == ("email", "phone")
    assert p.channels.accepted == ("email", "phone")
    assert (p.sla.reply_target_business_days, p.sla.reply_limit_business_days) == (1, 2)
    assert p.sla.business_day_hours == 9
    assert [b.name for b in p.brands] == ["СофтЛаб-НСК", "СофтЛаб-ММ"]
    assert [i.key for i in p.request_items] == ["description", "steps", "version", "settings"]
    assert {"Forward TS", "Forward T", "FDOnAir"} <= {pr.name for pr in p.products}


def test_unknown_key_is_named():
    text = DEFAULT_TEXT.replace("[sla]\n", "[sla]\nreply_in_hours = 4\n")
    with pytest.raises(PolicyError) as err:
        parse(text)
    assert err.value.key == "sla.reply_in_hours"
    assert "unknown key" in str(err.value) and "test.toml" in str(err.value)


def test_unknown_top_level_section_is_named():
    with pytest.raises(PolicyError) as err:
        parse(DEFAULT_TEXT + "\n[telegram]\nbot = 'x'\n")
    assert err.value.key == "telegram"


def test_bad_zone_is_named():
    with pytest.raises(PolicyError) as err:
        parse(DEFAULT_TEXT.replace('"Asia/Novosibirsk"', '"Asia/Novosibirk"'))
    assert err.value.key == "office.timezone"
    assert "unknown time zone 'Asia/Novosibirk'" in str(err.value)


def test_end_before_start_is_named():
    with pytest.raises(PolicyError) as err:
        parse(DEFAULT_TEXT.replace('mon = ["09:00", "18:00"]', 'mon = ["19:00", "09:00"]'))
    assert err.value.key == "office.hours.mon"
    assert "end 09:00 is not after start 19:00" in str(err.value)


def test_bad_time_is_named():
    with pytest.raises(PolicyError) as err:
        parse(DEFAULT_TEXT.replace('tue = ["09:00", "18:00"]', 'tue = ["9 am", "18:00"]'))
    assert err.value.key == "office.hours.tue"
    assert "bad time '9 am'" in str(err.value)


def test_unknown_channel_is_named():
    with pytest.raises(PolicyError) as err:
        parse(DEFAULT_TEXT.replace('official = ["email", "phone"]', 'official = ["email", "telegram"]'))
    assert err.value.key == "channels.official"
    assert "unknown channel 'telegram'" in str(err.value)


def test_wrong_type_and_missing_items():
    with pytest.raises(PolicyError) as err:
        parse(DEFAULT_TEXT.replace("business_day_hours = 9", 'business_day_hours = "nine"'))
    assert err.value.key == "sla.business_day_hours" and "must be int" in str(err.value)
    with pytest.raises(PolicyError) as err:
        parse(DEFAULT_TEXT.replace('key = "steps"', 'key = "screenshots"'))
    assert err.value.key == "request_items[1].key"


def test_web_form_switch_adds_the_channel():
    p = parse(DEFAULT_TEXT.replace("web_form = false", "web_form = true"))
    assert p.channels.accepted == ("email", "phone", "web")


def test_a_wrong_file_stops_start_up(tmp_path: Path):
    bad = tmp_path / "policy.toml"
    bad.write_text(DEFAULT_TEXT.replace('"Asia/Novosibirsk"', '"Mars/Olympus"'), encoding="utf-8")
    env = {**os.environ, "SUPPORTDESK_POLICY": str(bad), "SUPPORTDESK_DEV": "1",
           "SUPPORTDESK_DATA_DIR": str(tmp_path), "DATABASE_URL": ""}
    proc = subprocess.run([sys.executable, "-m", "supportdesk.cli", "check"], env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode != 0
    assert f"policy file {bad}: key 'office.timezone': unknown time zone 'Mars/Olympus'" in proc.stderr


def test_agent_session_hours_default_and_bounds():
    assert parse(DEFAULT_TEXT).security.agent_session_hours == 12
    without = (DEFAULT_TEXT.replace("[security]\n", "[security_gone]\n").replace("agent_session_hours = 12\n", "")
               .replace("require_2fa_for_admins = false\n", ""))
    assert parse(without.replace("[security_gone]\n", "")).security.agent_session_hours == 12
    assert parse(DEFAULT_TEXT.replace("agent_session_hours = 12", "agent_session_hours = 8")
                 ).security.agent_session_hours == 8
    for bad, reason in (("0", "greater than zero"), ("169", "at most 168"), ('"12h"', "")):
        with pytest.raises(PolicyError) as err:
            parse(DEFAULT_TEXT.replace("agent_session_hours = 12", f"agent_session_hours = {bad}"))
        assert err.value.key == "security.agent_session_hours"
        assert reason in str(err.value)


def test_require_2fa_for_admins_default_and_type():
    assert parse(DEFAULT_TEXT).security.require_2fa_for_admins is False
    assert parse(DEFAULT_TEXT.replace("require_2fa_for_admins = false", "require_2fa_for_admins = true")
                 ).security.require_2fa_for_admins is True
    with pytest.raises(PolicyError) as err:
        parse(DEFAULT_TEXT.replace("require_2fa_for_admins = false", 'require_2fa_for_admins = "yes"'))
    assert err.value.key == "security.require_2fa_for_admins"
    assert "must be bool, not str" in str(err.value)


def test_a_phone_number_with_an_extension_is_one() -> None:
    policy = parse(DEFAULT_TEXT.replace('number = "+7 (383) 363-04-62"', 'number = "+7 (383) 363-04-62 доб. 5"'))
    assert policy.main_phone.number == "+7 (383) 363-04-62 доб. 5"


@pytest.mark.parametrize(("old", "new", "key", "reason"), [
    # TOML writes nan and inf: either one would stop every clock at the first mail, not at start-up
    ("reply_target_hours = 1\n", "reply_target_hours = nan\n", "sla.policies[0].reply_target_hours", "a number"),
    ("reply_target_hours = 1\n", "reply_target_hours = inf\n", "sla.policies[0].reply_target_hours", "a number"),
    # past timedelta's range: the first mail would fail, not the start-up
    ("subject_threading_days = 14", "subject_threading_days = 9000000000000", "automation.subject_threading_days",
     "at most 3660"),
    ('key = "forward-ts"', 'key = ""', "products[0].key", "not a product slug"),
    ('key = "forward-ts"', 'key = "Forward TS"', "products[0].key", "not a product slug"),
    ('name = "Forward TS"', 'name = "  "', "products[0].name", "must not be blank"),
    ('aliases = ["Форвард ТС", ', 'aliases = ["", "Форвард ТС", ', "products[0].aliases", "none of them blank"),
    ('key = "softlab-nsk"', 'key = "СофтЛаб"', "brands[0].key", "not a brand slug"),
    ('title = "описание проблемы"', 'title = ""', "request_items[0].title", "must not be blank"),
    ('name = "Forward TS"', 'name = "Forward\\u0000TS"', "products[0].name", "control characters"),
    ('number = "+7 (383) 363-04-62"', 'number = "2026-02-30"', "contacts.phone[0].number", "not a phone number"),
])
def test_values_no_rule_can_mean_fail_start_up_with_the_key(old: str, new: str, key: str, reason: str) -> None:
    assert old in DEFAULT_TEXT
    with pytest.raises(PolicyError) as err:
        parse(DEFAULT_TEXT.replace(old, new, 1))
    assert err.value.key == key
    assert reason in str(err.value)
