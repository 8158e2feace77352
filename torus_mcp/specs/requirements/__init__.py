"""The FR/NFR requirements and acceptance criteria of a pack: ``model``, ``extract`` (the whole pack),
its sources ``yaml_reader`` (requirements.yml) and ``from_markdown`` (prd.md, fdd.md, with
``definitions`` and ``citations``), ``merge`` (one id in several sources), and ``yaml_editor``
(a status or proof written into requirements.yml in place). Import every name from the module that
defines it.
"""
