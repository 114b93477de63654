"""The ``tcocalc`` command: ``report``, ``validate``, ``schema`` (:mod:`.main`), ``analyze``
(:mod:`.analyze`), ``pricing`` (:mod:`.pricing`) and ``export`` (:mod:`.export`)."""
