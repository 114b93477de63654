"""The project's conventions, stated once.

- Currency: every amount is in US dollars (``usd``); pricing files declare ``currency: USD``.
- Time: month 1 is the first month of the horizon; a month has ``HOURS_PER_MONTH`` = 730 hours
  (8,760 hours a year / 12), the convention cloud price sheets use for "per month" figures.
- Tokens: prices are quoted per million tokens (``usd_per_1m_*``).
- Accuracy is a fraction in [0, 1], never a percentage; fields that hold percentages end in ``_pct``.

>>> HOURS_PER_MONTH * 12
8760
>>> round(WEEKS_PER_MONTH, 4)
4.3482
"""

HOURS_PER_MONTH = 730
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600
WEEKS_PER_MONTH = 365.25 / 7 / 12
TOKENS_PER_PRICE_UNIT = 1_000_000
