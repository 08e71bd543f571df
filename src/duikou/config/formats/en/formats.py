# Dates as lists, exports and officers' spreadsheets write them (2024-03-01), the same on every page;
# Django's zh-hans default (2024年3月1日) differed between detail pages and lists.
DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
