"""The completeness check of rule 5: description, steps, version, settings."""

from supportdesk.checklist.check import check_request, checklist_json
from supportdesk.checklist.model import (
    ITEM_KEYS,
    AttachmentInfo,
    ChecklistResult,
    ProductSpec,
    product_specs_from_policy,
)

__all__ = [
    "ITEM_KEYS",
    "AttachmentInfo",
    "ChecklistResult",
    "ProductSpec",
    "check_request",
    "checklist_json",
    "product_specs_from_policy",
]
