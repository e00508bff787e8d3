"""HTML to PDF with WeasyPrint, locked down (R44, T20).

WeasyPrint's default URL fetcher follows `file://`, `http://` and `https://` links in the HTML: a
`<a rel="attachment" href="file:///etc/hostname">` would embed a local file in the PDF, and an
`<img src="http://...">` would make the server fetch a URL. The only fetcher Safehub passes
allows `data:` URLs, which carry their bytes inline and so reach nothing outside the document.
Stylesheets and images are therefore inlined by the caller.
"""

from weasyprint import HTML, URLFetcher

ALLOWED_PROTOCOLS = frozenset({"data"})


def locked_fetcher() -> URLFetcher:
    return URLFetcher(allowed_protocols=set(ALLOWED_PROTOCOLS), allow_redirects=False, timeout=5)


def render_pdf(html: str) -> bytes:
    """Render `html` (already escaped by the caller's template) to PDF bytes."""
    document = HTML(string=html, base_url=None, url_fetcher=locked_fetcher())
    pdf = document.write_pdf()
    if pdf is None:  # only when a target file is given, which it never is here
        raise RuntimeError("WeasyPrint returned no PDF.")
    return bytes(pdf)
