"""Charts drawn on the server as SVG pictures (pygal): the site's colours, light or dark, and no script.

pygal is the established library for this; what is ours is only the look and taking out the small config
<script> pygal always writes for its tooltips (a picture needs none, and our CSP allows none).
"""

from __future__ import annotations

LIGHT = {"ink": "#1b1b1b", "grid": "#6b6b6b", "colours": ("#2a7f62", "#b5651d", "#3f5fa8", "#8a3b8f")}
DARK = {"ink": "#f2f2f2", "grid": "#8a8a8a", "colours": ("#6fd3ad", "#f0a661", "#9db4f0", "#e3a6e6")}

# A picture's own Content-Security-Policy: pygal's <style> inside the SVG is all it needs.
SVG_POLICY = (
    "default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; object-src 'none'; frame-ancestors 'none'"
)


def style(*, dark: bool = False):
    from pygal.style import Style

    scheme = DARK if dark else LIGHT
    return Style(
        background="transparent",
        plot_background="transparent",
        foreground=scheme["ink"],
        foreground_strong=scheme["ink"],
        foreground_subtle=scheme["grid"],
        colors=scheme["colours"],
        font_family="DejaVu Sans, sans-serif",
        label_font_size=14,
        major_label_font_size=14,
        legend_font_size=14,
        title_font_size=16,
    )


def options(*, dark: bool, title: str, labels: int) -> dict:
    """What every chart of ours shares: size, no script, a legend below, labels tilted when there are many."""
    return {
        "style": style(dark=dark),
        "js": [],
        "disable_xml_declaration": True,
        "width": 800,
        "height": 360,
        "title": title,
        "x_label_rotation": 0 if labels <= 6 else 30,
        "print_values": False,
        "show_y_guides": True,
        "legend_at_bottom": True,
    }


def render_svg(chart) -> str:
    """The chart as SVG text, with pygal's config <script> taken out."""
    from pygal.etree import etree

    tree = chart.render_tree()
    for parent in list(tree.iter()):
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.endswith("script"):
                parent.remove(child)
    return etree.tostring(tree, encoding="unicode")


def svg_response(svg: str):
    """An SVG picture's response: its own strict policy, never cached (it may hold a person's own data)."""
    from django.http import HttpResponse

    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Security-Policy"] = SVG_POLICY
    response["Cache-Control"] = "private, no-store"
    return response
