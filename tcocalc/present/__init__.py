"""What a person reads: the headline words (:mod:`.summary`), the charts (:mod:`.charts`,
:mod:`.analytics_charts`) and the shared colours and fonts (:mod:`.style`). Pure functions of a
result."""
