"""The spec-pack domain: what a feature's documents say and where the feature stands. No MCP here.

Markdown: ``markdown`` (the one CommonMark parse, lines), ``sections`` and ``section_lookup``
(headings), ``entries`` (a document as statements), ``markers`` (TODO/TBD/FIXME), ``notes``
(assumptions, open questions), ``ids`` (FR/NFR/AC ids) and ``findings``.
A pack: ``pack`` (loaded and cached), ``progress`` (tasks ticked), ``trace`` (FR -> AC -> design ->
tasks -> tests), ``parse_guard`` (how a parser bug degrades instead of crashing).
Gates: ``gates`` (the stage reached), ``gate_report``, ``gate_config`` ([gates] settings),
``gate_summary`` (the persona prompt's opening).
Sub-packages: ``plan`` (plan.md), ``requirements`` (requirements.yml, prd.md, fdd.md) and ``rules``
(the gate rules). Import every name from the module that defines it.
"""
