"""Calibration as inference (docs/calibration.md): ABC-SMC (pyabc) over the priors of the
uncertain parameters, on the four national series of ``greatleap.history`` and nothing else.

- ``priors``: the priors of ``greatleap.params`` as scipy/pyabc distributions, and the generated
  tables of docs/calibration.md;
- ``spec``: the calibration spec (TOML), checked with one-line errors;
- ``abc``: the model, distance and seeded sampler driven by ``pyabc.ABCSMC``;
- ``results``: posterior summary, figures and the baseline defaults from a posterior;
- ``cli``: ``greatleap calibrate`` and ``greatleap calibration-docs``.
"""
