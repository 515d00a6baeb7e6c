"""Funding flags: parts that do not add up, and sources that disagree on a figure."""

from decimal import Decimal

import pytest

from commitments.models import FundingLine
from tests.commitments.factories import FundingLineFactory

pytestmark = pytest.mark.django_db


def test_children_that_add_up_and_that_do_not():
    plan = FundingLineFactory(amount=10_000_000)
    assert plan.parts_add_up is None
    for amount in (5_000_000, 2_500_000):
        FundingLineFactory(amount=amount, parent=plan)
    assert FundingLine.objects.get(pk=plan.pk).parts_add_up is False
    assert FundingLine.objects.with_flags().get(pk=plan.pk).parts_add_up is False
    FundingLineFactory(amount=Decimal("2500000.00"), parent=plan)
    assert FundingLine.objects.get(pk=plan.pk).parts_add_up is True  # from the parts
    flagged = FundingLine.objects.with_flags().get(pk=plan.pk)  # from the annotation
    assert flagged.children_total == 10_000_000
    assert flagged.parts_add_up is True


def test_a_different_figure_for_the_same_money_is_flagged_on_both_lines():
    stated = FundingLineFactory(amount=2_500_000)
    other = FundingLineFactory(amount=2_000_000, same_money_as=stated)
    same = FundingLineFactory(amount=2_500_000)
    FundingLineFactory(amount=2_500_000, same_money_as=same)
    flags = dict(FundingLine.objects.with_flags().values_list("pk", "disagrees"))
    assert flags[stated.pk] is True
    assert flags[other.pk] is True
    assert flags[same.pk] is False


def test_each_disagreement_is_counted_once_wherever_it_is_shown():
    """The home page's count, the funding page's list and the list's flag read one rule."""
    stated = FundingLineFactory(amount=2_500_000)
    other = FundingLineFactory(amount=2_000_000, same_money_as=stated)
    agreeing = FundingLineFactory(amount=2_500_000, same_money_as=stated)
    assert list(FundingLine.objects.disagreeing()) == [other]
    rows = {line.pk: line for line in FundingLine.objects.with_flags()}
    assert [pk for pk, line in rows.items() if line.is_disagreement] == [other.pk]
    assert rows[agreeing.pk].disagrees is False
    assert rows[stated.pk].disagrees is True  # contradicted by `other`
