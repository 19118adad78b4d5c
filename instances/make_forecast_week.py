"""Write forecast-week-demand.csv: a day's contact curve before the AI assistant.

    python instances/make_forecast_week.py

Half-hour intervals from 08:00 to 22:00. The curve rises to a midday peak; at
weekends it is 60 % of a weekday's. Each row forecasts contacts before the AI
assistant, which closes 65 % of them; the residue takes 1.6 times the average
handling time and 40 % of it is hard, for the escalations queue (the seeds'
"difficulty concentrator").
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

HERE = Path(__file__).resolve().parent
COLUMNS = [
    "queue",
    "hard_queue",
    "day",
    "start",
    "minutes",
    "forecast.contacts_before_ai",
    "forecast.deflection",
    "forecast.aht_seconds",
    "forecast.residue_aht_factor",
    "forecast.hard_share",
    "forecast.service_level",
    "forecast.answer_seconds",
    "forecast.shrinkage",
    "forecast.patience_seconds",
]


def contacts(hour: float, scale: float) -> int:
    """Contacts before the AI in the half hour starting at `hour` (peak 60 at 13:00)."""
    return round(scale * (12 + 48 * math.exp(-(((hour - 13) / 3.5) ** 2))))


def main() -> None:
    rows = []
    for day, scale in ((None, 1.0), ("sat", 0.6), ("sun", 0.6)):
        for half in range(16, 44):  # 08:00 .. 21:30
            hour = half / 2
            rows.append(
                {
                    "queue": "chat",
                    "hard_queue": "escalations",
                    "day": day or "",
                    "start": f"{half // 2:02d}:{30 * (half % 2):02d}",
                    "minutes": 30,
                    "forecast.contacts_before_ai": contacts(hour, scale),
                    "forecast.deflection": 0.65,
                    "forecast.aht_seconds": 360,
                    "forecast.residue_aht_factor": 1.6,
                    "forecast.hard_share": 0.4,
                    "forecast.service_level": 0.8,
                    "forecast.answer_seconds": 60,
                    "forecast.shrinkage": 0.3,
                    "forecast.patience_seconds": 300,
                }
            )
    with (HERE / "forecast-week-demand.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} demand rows")


if __name__ == "__main__":
    main()
