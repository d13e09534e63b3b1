"""Experiments: seeded batch sweeps over scenarios and parameters, their store, figures and
sensitivity analysis.

The model is reached only through ``greatleap.runner.run_one(params, seed)``; everything here is
about the experiment around it (EMA Workbench's split of model / uncertainties / levers / outcomes):

- ``spec``: the TOML sweep spec, validated against ``greatleap.params`` before anything runs;
- ``design``: the table of runs (scenario x design point x replicate, seeds from one master seed);
- ``engines``: local worker processes (default) or a Dask cluster, both behind one small interface;
- ``store``: per-run Parquet parts written atomically, so a killed sweep resumes without duplicates;
- ``sweep``: the loop that ties them together, with the progress bar;
- ``report`` and ``sensitivity``: figures, tables, Morris and Sobol indices;
- ``cli``: the ``greatleap sweep / report / sensitivity`` commands.
"""
