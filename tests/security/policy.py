"""The site's Content-Security-Policy, word for word, for tests that check a page carries exactly it."""

SITE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; media-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def parse_policy(header: str) -> dict[str, list[str]]:
    """A policy as {directive: [sources in order]}; the order of the directives themselves carries no meaning."""
    found = {}
    for part in header.split(";"):
        if part.strip():
            name, *values = part.split()
            assert name not in found, f"{name} twice in {header!r}"
            found[name] = values
    return found
