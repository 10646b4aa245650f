from __future__ import annotations

from io import StringIO

from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import TestCase

from supportdesk.outbox.models import OutgoingMail
from supportdesk.tickets.models import Message, Status, Ticket


class DemoDataTests(TestCase):
    def test_demo_loads_once_through_the_real_intake_and_prints_working_passwords(self):
        out = StringIO()
        call_command("demo", if_empty=True, stdout=out)
        text = out.getvalue()
        passwords = dict(line.split("user ", 1)[1].replace("'", "").split(", password ")
                         for line in text.splitlines() if "password" in line)
        assert set(passwords) == {"admin", "agent"}
        assert authenticate(username="agent", password=passwords["agent"]) is not None
        assert Ticket.objects.count() == 4
        assert Ticket.objects.get(subject="FDOnAir зависает при смене плейлиста").status == Status.WAITING_CUSTOMER
        assert Message.objects.filter(event="ack_sent").count() == 4
        assert OutgoingMail.objects.filter(kind="ack").count() == 4
        mxf = Ticket.objects.get(subject="Запись в MXF")
        assert mxf.reported_version == "5.4.2" and mxf.customer.timezone == "Asia/Vladivostok"
        again = StringIO()
        call_command("demo", if_empty=True, stdout=again)
        assert "already loaded" in again.getvalue() and Ticket.objects.count() == 4
