from __future__ import annotations

import pytest

from supportdesk.checklist.evaluate import load_products
from supportdesk.checklist.model import ProductSpec


@pytest.fixture(scope="session")
def products() -> list[ProductSpec]:
    return load_products()
