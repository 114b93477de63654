"""tcocalc: total cost of ownership of prompting vs fine-tuning vs hybrid, month by month.

>>> from tcocalc import load_catalog, load_scenario, project, DEFAULT_SCENARIO
>>> result = project(load_scenario(DEFAULT_SCENARIO), load_catalog())
>>> sorted(result.component_totals("prompting"))[:3]
['engineering', 'errors', 'inference']
"""

from tcocalc.inputs.loader import DEFAULT_SCENARIO, load_catalog, load_scenario
from tcocalc.model.engine import COMPONENTS, STRATEGIES
from tcocalc.model.projection import Result, project

__all__ = [
    "COMPONENTS",
    "DEFAULT_SCENARIO",
    "STRATEGIES",
    "Result",
    "load_catalog",
    "load_scenario",
    "project",
]
