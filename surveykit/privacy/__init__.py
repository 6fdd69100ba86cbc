"""Disclosure control: which groups and cells may be published (see docs/disclosure-control.md).

``plan.DisclosurePlan`` is decided once per run from the data and the questionnaire; ``groups`` chooses
merges and hides, ``linear`` checks differencing of published totals, ``cells`` protects crosstabs, and
``suppression`` holds the single-table threshold rules (primary and complementary cell suppression).
"""

from surveykit.privacy.cells import CellProtection, protect_table, protect_tables
from surveykit.privacy.groups import Coding, protect
from surveykit.privacy.linear import Disclosure, find_disclosure
from surveykit.privacy.plan import DisclosurePlan, is_ordinal, linked_families, outcome_groups

__all__ = ["CellProtection", "Coding", "Disclosure", "DisclosurePlan", "find_disclosure", "is_ordinal",
           "linked_families", "outcome_groups", "protect", "protect_table", "protect_tables"]
