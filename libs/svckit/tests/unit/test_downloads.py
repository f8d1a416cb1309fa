"""Attachments' names (svckit/downloads.py)."""

from svckit.downloads import attachment_headers, content_disposition


def test_the_content_disposition_has_an_ascii_fallback_and_the_exact_name():
    value = content_disposition("Resultats-Évaluation 3e-7-2024-01-15-1400.csv")
    assert value == ("attachment; filename=\"Resultats-Evaluation 3e-7-2024-01-15-1400.csv\"; "
                     "filename*=UTF-8''Resultats-%C3%89valuation%203e-7-2024-01-15-1400.csv")


def test_the_content_disposition_cannot_be_broken_by_the_name():
    value = content_disposition('a"b\\c\r\nSet-Cookie: x=1;/d.csv')
    assert "\r" not in value and "\n" not in value
    fallback = value.split('filename="')[1].split('"; filename*=')[0]
    assert fallback == "abcSet-Cookie: x=1;/d.csv"
    assert value.endswith("filename*=UTF-8''a%22b%5Cc%0D%0ASet-Cookie%3A%20x%3D1%3B%2Fd.csv")


def test_an_attachment_is_never_cached():
    assert attachment_headers("a.pdf")["Cache-Control"] == "no-store"
