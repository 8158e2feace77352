"""plan.md: ``model`` (phases, tasks), ``parse`` (text to model, via ``headings``, ``labels``,
``phase_body`` and ``findings``), ``lookup`` (a phase or task by what a person calls it) and ``edit``
(ticking a task in place). Import every name from the module that defines it.
"""
