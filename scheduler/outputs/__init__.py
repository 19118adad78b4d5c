"""The output folder and what people use of it: the tables, the summary, the spreadsheet,
the calendars and the report, made from the folder's own files. Imports models only.
"""
