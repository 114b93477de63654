"""Exports for slides and spreadsheets: what a product manager takes into a meeting.

Every export is a pure function of a projection (and the catalog its prices came from) that
returns bytes; the page's Export tab and ``tcocalc export`` both call them.

- :mod:`tcocalc.export.deck`: a 16:9 PowerPoint deck with native, editable charts.
- :mod:`tcocalc.export.data`: the monthly table as CSV and XLSX, the scenario as YAML.
- :mod:`tcocalc.export.images`: chart images (PNG 1920x1080, SVG) rendered by one headless
  Chromium per process (kaleido).
- :mod:`tcocalc.export.assumptions`: the inputs and prices the numbers rest on.

The heavy libraries (python-pptx, openpyxl, kaleido) load with the submodule that needs them.
"""
