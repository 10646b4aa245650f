"""The data the completeness check (rule 5) reads and returns."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# The four items of rule 5, in the order the rules list them.
ITEM_KEYS: tuple[str, ...] = ("description", "steps", "version", "settings")


@dataclass(frozen=True)
class AttachmentInfo:
    filename: str
    content_type: str
    size: int
    # Decoded content of a small text attachment (.xml/.ini/.txt/.log); None otherwise.
    text: str | None = None


@dataclass(frozen=True)
class ProductSpec:
    key: str
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChecklistResult:
    description: bool
    steps: bool
    version: str | None
    product: str | None
    product_key: str | None
    settings: bool
    missing: tuple[str, ...]
    # A short snippet or reason per item, shown to the agent next to the checklist.
    evidence: dict[str, str] = field(default_factory=dict)
    # A commercial or how-to question, not a problem report: steps and settings are not missing.
    question: bool = False


def product_specs_from_policy(products: Sequence[Mapping[str, Any]]) -> list[ProductSpec]:
    """ProductSpecs from the raw ``[[products]]`` tables of the policy TOML."""
    return [
        ProductSpec(
            key=str(item["key"]),
            name=str(item["name"]),
            aliases=tuple(str(alias) for alias in item.get("aliases", ())),
        )
        for item in products
    ]
