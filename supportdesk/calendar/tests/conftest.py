from datetime import time

import pytest

from supportdesk.calendar.business import BusinessCalendar
from supportdesk.calendar.production import ProductionCalendar

NSK = "Asia/Novosibirsk"
MON_FRI_9_18 = {wd: (time(9), time(18)) if wd < 5 else None for wd in range(7)}


@pytest.fixture(scope="session")
def production() -> ProductionCalendar:
    return ProductionCalendar()


@pytest.fixture(scope="session")
def office(production: ProductionCalendar) -> BusinessCalendar:
    return BusinessCalendar(NSK, MON_FRI_9_18, production)
