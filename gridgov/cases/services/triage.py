"""Triage: police or not, and who handles it — from the category and the words of the report."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from gridgov.cases.models import Category, Department, TriageRule
from gridgov.cases.models.categories import HandlerKind


@dataclass(frozen=True)
class Decision:
    category: Category
    police: bool
    handler: str
    department: Department | None
    rule: str = ""  # the rule that decided, when one did


def triage(category: Category, text: str, rules: Iterable[TriageRule] | None = None) -> Decision:
    """The first active rule whose keyword appears in the text wins; else the category decides.

    A quarrel reported as a neighbour dispute but mentioning a knife goes to the police zone.
    `rules`: the active rules in priority order, when the caller has them already (intake's cache).
    """
    if rules is None:
        rules = TriageRule.objects.filter(active=True).select_related("category", "department")
    for rule in rules:
        if any(word in text for word in rule.keyword_list()):
            chosen = rule.category or category
            return Decision(
                chosen, rule.police, rule.handler, rule.department or chosen.department, rule.name
            )
    handler = (
        HandlerKind.POLICE if category.police and category.handler == HandlerKind.GRID else category.handler
    )
    return Decision(category, category.police, handler, category.department)


def suggest_category(text: str) -> Category | None:
    """For channels that send only text (110 diversions, WeChat): the minor class whose keywords match."""
    best: tuple[int, Category] | None = None
    for category in Category.objects.filter(active=True).exclude(keywords=""):
        hits = sum(1 for word in category.keyword_list() if word in text)
        if hits and (
            best is None or hits > best[0] or (hits == best[0] and len(category.code) > len(best[1].code))
        ):
            best = (hits, category)
    return best[1] if best else None
