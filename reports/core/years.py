"""The years a report may be about: one range, used by the model's constraint, the forms, the
services, the views, the importer's guess and the year inputs' min/max."""

YEAR_MIN = 2000
YEAR_MAX = 2100
YEAR_RANGE_MESSAGE = f"年度应在{YEAR_MIN}至{YEAR_MAX}之间。"


def year_in_range(year: int | None) -> bool:
    return year is not None and YEAR_MIN <= year <= YEAR_MAX
