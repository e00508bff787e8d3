"""The locked-down PDF renderer (R44, T20)."""

from weasyprint import HTML

from safehub.platform.pdf import render_pdf

PIXEL = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
ATTACK = '<html><body><p>Letter</p><a rel="attachment" href="file:///etc/hostname">x</a></body></html>'


def test_a_file_attachment_link_embeds_nothing():
    """R44: exactly the SECURITY.md template renders a PDF with no /EmbeddedFile."""
    pdf = render_pdf(ATTACK)
    assert pdf.startswith(b"%PDF-")
    assert b"/EmbeddedFile" not in pdf


def test_the_check_would_notice_an_embedded_file(tmp_path):
    """The control: WeasyPrint's default fetcher does embed a local file, and the marker shows it."""
    secret = tmp_path / "secret.txt"
    secret.write_text("synthetic secret")
    html = ATTACK.replace("file:///etc/hostname", secret.as_uri())
    assert b"/EmbeddedFile" in HTML(string=html).write_pdf()
    assert b"/EmbeddedFile" not in render_pdf(html)


def test_only_data_urls_are_ever_opened(monkeypatch):
    """R44/T20: no server-side fetch of the network or the disk; a data: image is still drawn."""
    import urllib.request

    opened: list[str] = []
    original = urllib.request.OpenerDirector.open

    def spy(self, fullurl, *args, **kwargs):
        opened.append(fullurl if isinstance(fullurl, str) else fullurl.full_url)
        return original(self, fullurl, *args, **kwargs)

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", spy)
    render_pdf(
        '<img src="http://169.254.169.254/latest/meta-data/"><img src="file:///etc/passwd">'
        '<link rel="stylesheet" href="https://example.invalid/x.css">'
        f'<img src="{PIXEL}">'
    )
    assert opened
    assert all(url.startswith("data:") for url in opened)
