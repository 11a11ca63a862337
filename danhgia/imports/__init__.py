"""Importing a province's existing files (issue 10): its organization tree, members, posts, quota groups and
past results, from the .xlsx and .csv files the offices already keep.

This package is the reading layer only: `reading` opens an uploaded file whatever its name claims, refuses what
is not a spreadsheet (or is one that cannot be read safely) in plain Vietnamese, and yields its rows with the
spreadsheet's own row numbers; `cleaning` turns cell values into clean text, keys, dates and choices, or says
which cell is wrong and why. Nothing here touches the database: the import services, built on top of it, check
every row first and write all or nothing.
"""
