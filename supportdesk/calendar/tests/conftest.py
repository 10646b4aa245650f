import pytest

from supportdesk.calendar.business import BusinessCalendar
from supportdesk.calendar.production import ProductionCalendar
from supportdesk.calendar.tests.helpers import MON_FRI_9_18, NSK


@pytest.fixture(scope="session")
def production() -> ProductionCalendar:
    return ProductionCalendar()


@pytest.fixture(scope="session")
def office(production: ProductionCalendar) -> BusinessCalendar:
    return BusinessCalendar(NSK, MON_FRI_9_18, production)
