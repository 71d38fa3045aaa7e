"""The level index (水平指数): indicator scores, category and overall indices, ranks with
uncertainty, progress against targets and warnings — on plain arrays, without Django.

``engine.compute`` is the entry point; ``files`` reads the catalog and observation tables the
``minsheng index compute`` command takes; the web app builds the same ``Panel`` from its models.
"""
