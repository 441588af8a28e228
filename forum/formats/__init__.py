"""Date formats per interface language (FORMAT_MODULE_PATH). Templates name the format
("DATE_FORMAT", "YEAR_MONTH_FORMAT"…), never a pattern, so that each language writes dates
its own way; what is not set here comes from Django's own locale formats."""
