import pytest

from campaigns.adapters.markdown import to_safe_html


def test_markdown_becomes_html():
    html = to_safe_html("# Bienvenue\n\nCe test dure **20 minutes**.\n\n- calme\n- concentré")
    assert "<h1>Bienvenue</h1>" in html and "<strong>20 minutes</strong>" in html and "<li>calme</li>" in html


@pytest.mark.parametrize("hostile", [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="https://example.org" onclick="steal()">x</a>',
    "<iframe src='https://evil.example'></iframe>",
])
def test_raw_html_is_shown_as_text_never_interpreted(hostile):
    html = to_safe_html(hostile)
    assert "<script" not in html and "<img" not in html and "<iframe" not in html and "<a " not in html
    assert "&lt;" in html


@pytest.mark.parametrize("target", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "vbscript:msgbox(1)",
                                    "data:text/html;base64,PHNjcmlwdD4=", "file:///etc/passwd", "ftp://x.org"])
def test_links_to_unsafe_targets_stay_text(target):
    html = to_safe_html(f"[cliquez]({target})")
    assert "href" not in html


def test_safe_links_open_in_a_new_tab_without_handing_over_the_page():
    html = to_safe_html("[Pix](https://pix.fr) et [écrire](mailto:prof@example.org)")
    assert 'href="https://pix.fr" rel="noopener noreferrer nofollow" target="_blank"' in html
    assert 'href="mailto:prof@example.org"' in html


def test_images_are_not_rendered():
    assert "<img" not in to_safe_html("![pisteur](https://tracker.example/pixel.gif)")


def test_no_text_no_html():
    assert to_safe_html(None) is None and to_safe_html("") is None
