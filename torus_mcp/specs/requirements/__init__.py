"""The FR/NFR requirements and acceptance criteria of a pack, read from requirements.yml, prd.md and fdd.md,
and requirements.yml entries edited in place."""
