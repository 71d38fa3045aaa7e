"""The citizen's pages: the QR page of a window and the window tablet (kiosk)."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from minsheng.orgs.models import Organisation, Staff, Window
from minsheng.reviews.models import Rating, RectificationCase, WindowDepartment
from minsheng.reviews.services.citizen import DEVICE_LIMIT, window_token
from tests.conftest import City


def _window(city: City) -> Window:
    centre = Organisation.objects.get(key=f"centre-{city.county.code}")
    window = Window.objects.filter(centre=centre).order_by("number").first()
    assert window is not None
    return window


def _form(client: Client, url: str) -> dict[str, str]:
    page = client.get(url).content.decode()
    token = re.search(r'name="page_token" value="([0-9a-f]+)"', page)
    assert token is not None
    return {"page_token": token.group(1)}


def test_qr_page_has_no_preselected_level_and_equal_choices(city: City) -> None:
    url = reverse("review_qr", args=[window_token(_window(city))])
    response = Client().get(url)
    assert response.status_code == 200
    page = response.content.decode()
    levels = re.findall(r'<input type="radio" name="level" value="(\d)"[^>]*>', page)
    assert levels == ["5", "4", "3", "2", "1"]
    assert "checked" not in "".join(re.findall(r'<input type="radio"[^>]*>', page))
    assert "csrfmiddlewaretoken" in page


def test_qr_rating_is_stored_once_and_bad_one_goes_to_the_windows_department(city: City) -> None:
    window = _window(city)
    city_code = city.county.parent.code  # type: ignore[union-attr]
    edu = Organisation.objects.get(key=f"dept-{city_code}-edu")
    WindowDepartment.objects.create(window=window, department=edu)
    url = reverse("review_qr", args=[window_token(window)])
    citizen = Client()
    form = _form(citizen, url) | {"case_no": "QR0001", "level": "2", "contact": "13700001111"}
    done = citizen.post(url, form)
    assert done.status_code == 200 and "感谢您的评价" in done.content.decode()
    again = citizen.post(url, form)  # the same page submitted twice
    assert "已经评价过" in again.content.decode()
    rating = Rating.objects.get()
    assert (rating.channel, rating.department, rating.window) == ("qr_code", edu, window)
    assert rating.device and rating.ip_hash and rating.contact_masked == "137****1111"
    assert RectificationCase.objects.get().department == edu


def test_missing_level_and_case_number_are_reported(city: City) -> None:
    url = reverse("review_qr", args=[window_token(_window(city))])
    citizen = Client()
    response = citizen.post(url, _form(citizen, url))
    page = response.content.decode()
    assert "请选择一个评价等级" in page
    assert not Rating.objects.exists()


def test_floods_from_one_device_are_refused(city: City) -> None:
    url = reverse("review_qr", args=[window_token(_window(city))])
    citizen = Client()
    statuses = []
    for k in range(DEVICE_LIMIT + 1):
        form = _form(citizen, url) | {"case_no": f"F{k}", "level": "5"}
        statuses.append(citizen.post(url, form).status_code)
    assert statuses[-1] == 429
    assert Rating.objects.count() == DEVICE_LIMIT


def test_forged_window_token_is_404(city: City) -> None:
    assert Client().get(reverse("review_qr", args=["not-a-token"])).status_code == 404


def test_kiosk_flow_records_the_staff_and_window(city: City) -> None:
    staff = Staff.objects.get(user=city.users["window"])
    tablet = city.client("window")
    start = tablet.post(reverse("review_kiosk"), {"case_no": "K0001"})
    assert start.status_code == 302
    rate_url = start["Location"]
    form = _form(tablet, rate_url) | {"level": "4"}
    assert "感谢您的评价" in tablet.post(rate_url, form).content.decode()
    rating = Rating.objects.get()
    assert (rating.case_no, rating.channel, rating.staff, rating.window) == (
        "K0001",
        "window_tablet",
        staff,
        staff.window,
    )
    # Another window's staff cannot use this ticket; others cannot use the kiosk at all.
    assert city.client("other_window").get(rate_url).status_code == 403
    for outsider in ("reporter", "quality", "county"):
        assert city.client(outsider).get(reverse("review_kiosk")).status_code == 403
    assert Client().get(reverse("review_kiosk")).status_code == 302


def test_window_codes_page_scope(city: City) -> None:
    centre = Organisation.objects.get(key=f"centre-{city.county.code}")
    url = reverse("review_window_codes", args=[centre.pk])
    page = city.client("window").get(url)
    assert page.status_code == 200 and "<svg" in page.content.decode()
    assert city.client("quality").get(url).status_code == 200
    assert city.client("other_window").get(url).status_code == 403
    assert city.client("other_county").get(url).status_code == 403
    assert Client().get(url).status_code == 302


def test_the_citizen_reads_the_answer_with_the_case_number_and_phone_digits(city: City) -> None:
    from django.core.cache import cache

    from minsheng.reviews.services.cases import act
    from minsheng.reviews.services.citizen import LOOKUPS_PER_WINDOW

    cache.clear()
    window = _window(city)
    city_code = city.county.parent.code  # type: ignore[union-attr]
    edu = Organisation.objects.get(key=f"dept-{city_code}-edu")
    WindowDepartment.objects.create(window=window, department=edu)
    url = reverse("review_qr", args=[window_token(window)])
    citizen = Client()
    form = _form(citizen, url) | {"case_no": "QR7001", "level": "1", "contact": "13700004321"}
    done = citizen.post(url, form).content.decode()
    assert "QR7001" in done and 'data-testid="status-link"' in done
    status = reverse("review_case_status")
    found = citizen.post(status, {"case_no": "QR7001", "phone_tail": "4321"}).content.decode()
    assert 'data-testid="status-found"' in found and "待核实" in found
    case = RectificationCase.objects.get()
    reporter = city.users["reporter"]
    act(case, "verify", actor=reporter)
    act(case, "confirm", actor=reporter)
    act(case, "answer", actor=reporter, note="已补办并致歉")
    answered = citizen.post(status, {"case_no": "QR7001", "phone_tail": "4321"}).content.decode()
    assert "已补办并致歉" in answered
    wrong = citizen.post(status, {"case_no": "QR7001", "phone_tail": "0000"}).content.decode()
    assert 'data-testid="status-none"' in wrong and "已补办并致歉" not in wrong
    # Four digits are few: look-ups from one address are limited.
    answers = [
        citizen.post(status, {"case_no": "QR7001", "phone_tail": f"{k:04d}"}).status_code
        for k in range(LOOKUPS_PER_WINDOW)
    ]
    assert answers[-1] == 429
    cache.clear()


def test_other_comes_last_among_the_reasons(city: City) -> None:
    from minsheng.reviews.models import ReasonTag

    ReasonTag.objects.create(code="a-other", name="其他", for_bad=True)
    page = Client().get(reverse("review_qr", args=[window_token(_window(city))])).content.decode()
    labels = re.findall(r'<label class="form-check-label"[^>]*>([^<]+)</label>', page)
    assert labels and labels[-1] == "其他"
