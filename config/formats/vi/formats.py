"""Vietnamese formats: dd/mm/yyyy, decimal comma, dot for thousands.

Django 5.2's own ``vi`` locale defines no input formats, so "05/11/2025" would otherwise be
read as 11 May. These take precedence through FORMAT_MODULE_PATH.
"""

DATE_FORMAT = "d/m/Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "d/m/Y H:i"
YEAR_MONTH_FORMAT = "m/Y"
MONTH_DAY_FORMAT = "d/m"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = [
    "%d/%m/%Y",  # '05/11/2025'
    "%d/%m/%y",  # '05/11/25'
    "%d-%m-%Y",  # '05-11-2025'
    "%Y-%m-%d",  # '2025-11-05' (ISO, from files and the API)
]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
