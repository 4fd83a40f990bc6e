"""The QR code on the back page: it opens the issue's web edition."""

from ..absolute_urls import absolute_url


def issue_web_url(issue):
    """The issue's public URL at SITE_URL, never the host of a request: the PDF is made after a commit,
    outside any request, and even the staff preview is a print artefact read later by someone else."""
    return absolute_url(issue.get_absolute_url())


def qr_svg_data_uri(url):
    # Vector output stays sharp at any print resolution; error level M survives a crease or a smudge.
    import segno  # only where a print edition is made; not in every web worker

    return segno.make(url, error="m", micro=False).svg_data_uri(scale=4, border=4, dark="#000", light="#fff")
