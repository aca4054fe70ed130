"""The site build, one module per phase (``build.py`` is the command line that runs them).

- :mod:`.context`          where things are, the pinned runtime, :class:`~.context.Build`
- :mod:`.policies`         ``policies`` phase and the ``check`` summary
- :mod:`.guides`           ``guides`` phase: the page model and the Jinja2 rendering
- :mod:`.mkdocs_site`      ``mkdocs`` phase: one MkDocs Material build per language
- :mod:`.wheel`            ``wheel`` phase: the calculator wheel and its lock
- :mod:`.pyodide_runtime`  ``pyodide`` phase: the pinned Pyodide core, its stdlib trimmed
- :mod:`.pyc`              Python compiled to ``.pyc`` by Pyodide's CPython under Node
- :mod:`.offline`          ``offline`` phase: ``sw.js``, the estimator's service worker
- :mod:`.compress`         ``compress`` phase: precompressed ``.br``/``.gz`` siblings
- :mod:`.check_output`     ``check-output`` phase: self-contained, complete, consistent
- :mod:`.pipeline`         the phases in order
- :mod:`.serve`            the local HTTP server

Every module imports only the standard library at module level (``build.py`` loads them on a
bare ``python3`` before its environment exists); heavy imports live inside the functions.
"""
