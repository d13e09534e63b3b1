"""Validation against history: the model-vs-record report and the stylized facts as checks.

- ``runs``: the baseline and the counterfactual presets over N seeds (in parallel), reduced to
  the tables the checks read;
- ``checks`` (with ``core`` and ``checks_national``, ``checks_counterfactual``, ``checks_mechanisms``):
  one small named function per stylized fact (numbered as in the team's list of stylized facts
  from the literature; docs/validation.md restates each), each returning a ``Verdict``; the facts the model cannot
  speak to are listed in ``NOT_MODELLED`` with the reason;
- ``report`` and ``figures``: ``validation.md`` and its PNG figures;
- ``cli``: the ``greatleap validate`` command.

Every verdict is computed from the model at run time: nothing here knows what the model gives.
"""
