"""A date control on every page (the GOV.UK date-input pattern, no script): day, month and year
in three boxes, sent to the page itself and answered with its citable as_of address."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["/", "/commitments/", "/commitments/casey-national-audit/", "/funding/", "/sources/",
             "/changes/", "/corrections/", "/methodology/"],
)  # fmt: skip
def test_every_page_offers_the_date_control(client, curated, path):
    page = client.get(path).content.decode()
    assert "<legend>See this page as it stood on a date</legend>" in page
    for part in ("day", "month", "year"):
        assert f'name="as_of-{part}"' in page
    assert f'action="{path}"' in page


def test_the_three_boxes_lead_to_the_as_of_address_keeping_the_filters(client, curated):
    response = client.get(
        "/commitments/",
        {
            "status": "delivered",
            "page": "2",
            "as_of-day": "1",
            "as_of-month": "3",
            "as_of-year": "2025",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/commitments/?status=delivered&as_of=2025-03-01"
    page = client.get(response["Location"]).content.decode()
    assert "as it stood on 1 March 2025" in page
    assert 'value="1"' in page  # the boxes show the date shown
    assert '<input type="hidden" name="status" value="delivered">' in page


def test_a_bad_date_is_a_400_that_says_what_to_write(client, curated):
    for parts in ({"as_of-day": "31", "as_of-month": "2", "as_of-year": "2025"},
                  {"as_of-day": "x", "as_of-month": "2", "as_of-year": "2025"},
                  {"as_of-day": "1", "as_of-month": "1", "as_of-year": "2999"}):  # fmt: skip
        response = client.get(reverse("commitments:list"), parts)
        assert response.status_code == 400
        assert "The as_of date is not valid" in response.content.decode()


def test_empty_boxes_mean_today(client, curated):
    response = client.get("/funding/", {"as_of-day": "", "as_of-month": "", "as_of-year": ""})
    assert (response.status_code, response["Location"]) == (302, "/funding/")
