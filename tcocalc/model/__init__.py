"""The cost model: a scenario's inputs (:mod:`.scenario`), flattened with its prices into numbers
(:mod:`.params`), one pure function per cost quantity (:mod:`.costs`), the strategies month by month
(:mod:`.engine`) and where their cumulative curves cross (:mod:`.breakeven`)."""
