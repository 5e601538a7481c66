"""The recipe of the bundled SYNTHETIC surveys: seed, years, respondents per village, file names.

Kept apart from :mod:`dgi_stats.datasets.generate` (which draws the surveys and is run as
``python -m dgi_stats.datasets.generate``) so that planning and the report can read the recipe
without importing the generator.
"""

from __future__ import annotations

__all__ = ["RESPONDENTS_PER_VILLAGE", "SEED", "YEARS", "file_names"]

#: Seed of the bundled SYNTHETIC surveys.
SEED = 20241126
#: Years with a bundled SYNTHETIC survey.
YEARS: tuple[int, ...] = (2020, 2021, 2022, 2023, 2024)
#: Adults drawn per sampled village (about 65 % respond: about 325 respondents per unit).
RESPONDENTS_PER_VILLAGE = 28


def file_names(year: int) -> dict[str, str]:
    """The bundled file names of ``year`` (keys ``respondents``, ``frame``, ``true_scores``).

    Parameters
    ----------
    year : int
        Survey year.

    Returns
    -------
    dict of str to str
        File name of each bundled table of that year.

    Examples
    --------
    >>> file_names(2021)["respondents"]
    'dgi_2021_SYNTHETIC_respondents.csv.gz'
    """
    return {k: f"dgi_{year}_SYNTHETIC_{k}.csv.gz" for k in ("respondents", "frame", "true_scores")}
