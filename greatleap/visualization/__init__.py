"""The browser dashboard (Solara). Nothing outside this package imports Solara.

`greatleap app` serves `greatleap.visualization.app`; `assets` keeps Solara's front-end files
on disk so the page loads with no internet.
"""
