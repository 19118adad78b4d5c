"""The progress chart of a job: objective and bound as steps, with a legend."""

from __future__ import annotations

import re

from scheduler.outputs.charts import progress_chart


def test_the_progress_chart_draws_both_lines_and_names_them() -> None:
    # Three better rosters (12, 10, 9) and a bound rising to 8 over 4 seconds.
    svg = str(progress_chart([(0.5, 12.0, 5.0), (1.0, 10.0, 7.0), (4.0, 9.0, 8.0)]))
    assert svg.startswith("<svg data-chart='progress'")
    # one path each: the objective solid, the bound dashed
    (objective,) = re.findall(r"<path class='objective'[^>]*/>", svg)
    (bound,) = re.findall(r"<path class='bound'[^>]*/>", svg)
    assert "stroke-dasharray" not in objective and "stroke-dasharray='5 4'" in bound
    # a point per roster with its figure in its title
    assert "<title>objective 9 at 4.0 s</title>" in svg
    # the legend names both, each beside a line drawn as its series is
    legend = re.findall(r"<g class='legend'>(.*?)</g>", svg)
    assert len(legend) == 2
    assert "best objective" in legend[0] and "stroke-dasharray" not in legend[0]
    assert "bound" in legend[1] and "stroke-dasharray='5 4'" in legend[1]
