"""The browser dashboard: one live run with Mesa's run controls. Nothing in the engine imports it.

``levers`` turns a scenario file and a user's control values into a validated scenario, ``live`` runs
the months in a background thread and keeps a snapshot for drawing, ``plots`` draws snapshots and
``app`` is the page (``ecosim dashboard`` serves it).
"""
