"""Where scenarios and prices come in: YAML files parsed safely with located errors
(:mod:`.loader`), the layered pricing folders (:mod:`.store`), the pricing editor's validated,
atomic saves (:mod:`.editor`) and the page's shareable links (:mod:`.query`)."""
