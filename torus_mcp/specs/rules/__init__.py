"""The gate rules: ``base`` (the Rule record, hits), ``pack_view`` (what rules read from a pack), one
module per kind of check (``docs``, ``sections``, ``prd``, ``plan``, ``trace``) and ``registry``
(every rule, in gate order). Import every name from the module that defines it.
"""
