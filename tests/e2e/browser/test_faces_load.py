"""The three faces load from the gateway in a real browser, in both languages, on a phone too."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect


@pytest.mark.parametrize(("path", "locale", "heading"), [
    ("/", "fr", "Compétences numériques"), ("/", "en", "Digital skills"),
    ("/orga/", "fr", "Orga"), ("/orga/", "en", "Orga"),
    ("/certif/", "fr", "Connexion à Certif"), ("/certif/", "en", "Log in to Certif"),
])
def test_a_face_opens_with_its_heading_in_the_chosen_language(open_page, path, locale, heading):
    page = open_page(locale=locale)
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    expect(page.locator("html")).to_have_attribute("lang", locale)


@pytest.mark.parametrize("path", ["/", "/orga/", "/certif/"])
def test_the_check_finds_nothing_on_a_plain_face_and_finds_a_missing_label(open_page, path):
    from accessibility import assert_accessible, violations

    page = open_page()
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page, path)
    page.evaluate("() => document.querySelector('main').append(document.createElement('input'))")
    assert any(v["id"] == "label" for v in violations(page))


@pytest.mark.parametrize(("start", "target", "face"), [("/", "/orga/", "orga"),
                                                      ("/orga/", "/campagnes/ABCDEF234", "learner"),
                                                      ("/", "/certif/", "certif"),
                                                      ("/certif/", "/orga/", "orga")])
def test_a_link_to_the_other_face_loads_that_face_not_a_page_of_the_first(open_page, start, target, face):
    page = open_page(allowed=(r"404",))  # the unknown campaign code of the learner's side
    page.goto(start)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.evaluate("""(href) => { const link = document.createElement('a'); link.href = href;
        link.textContent = 'the other face'; document.querySelector('main').append(link); }""", target)
    page.get_by_role("link", name="the other face").click()
    expect(page).to_have_url(re.compile(r"^http://[^/]+" + re.escape(target)))  # Orga then asks to log in
    expect(page.locator(f"script[src^='/assets/{face}-']")).to_have_count(1)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
