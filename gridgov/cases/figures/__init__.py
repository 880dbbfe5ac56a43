"""Figures for assessment (考核): per grid worker, grid, village, police zone and department.

definitions — what each figure counts; facts — one case's contribution; rollup — the daily table the
worker keeps; query — figures from the rollup and the naive GROUP BY over cases; scope — who sees
which rows; report — the one answer the API, the page and the .xlsx export share.
"""
