"""Text contrast of the report and the page: WCAG 2 AA (4.5:1 for body text).

The muted grey and the body colour are checked against every light background the
style sheets and the activity palette use, so that a new tint that makes muted text
unreadable fails here rather than in a user's eyes."""

from __future__ import annotations

import re
from pathlib import Path

import scheduler.outputs.report as report
import scheduler.service.page as page

CSS = [
    Path(report.__file__).parent / "templates" / "report.css",
    Path(page.__file__).parent / "static" / "page.css",
]
AA = 4.5


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a #rrggbb or #rgb colour."""
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_contrast_formula_on_known_pairs() -> None:
    # black on white is 21:1, a colour on itself 1:1; #767676 on white is the
    # lightest grey that passes AA (4.54:1, a figure WebAIM's checker gives)
    assert round(contrast("#000", "#fff"), 2) == 21.0
    assert contrast("#3b82f6", "#3b82f6") == 1.0
    assert round(contrast("#767676", "#ffffff"), 2) == 4.54


def _light_backgrounds() -> set[str]:
    found = {"#ffffff"}
    for path in CSS:
        for declaration in re.findall(r"background(?:-color)?:([^;}]+)", path.read_text()):
            found.update(c.lower() for c in re.findall(r"#[0-9a-fA-F]{6}\b", declaration))
    for tint, _strong in [*report._PALETTE, report._RATING_COLOURS]:
        found.add(tint)
    # the light ones: muted and body text sit on these, white text on the dark ones
    return {c for c in found if luminance(c) > 0.5}


def test_muted_and_body_text_pass_aa_on_every_light_background() -> None:
    css = CSS[0].read_text()
    muted = re.search(r"--muted:(#[0-9a-fA-F]{6})", css)
    body = re.search(r"--fg:(#[0-9a-fA-F]{6})", css)
    assert muted and body
    backgrounds = _light_backgrounds()
    assert len(backgrounds) > 10, backgrounds  # the tints, the stripes, the pills
    failing = {
        (text, bg, round(contrast(text, bg), 2))
        for text in (muted.group(1), body.group(1))
        for bg in backgrounds
        if contrast(text, bg) < AA
    }
    assert not failing, failing
