# "2 tháng 8 năm 2022": without Django's leading "Ngày", which sentences already say.
DATE_FORMAT = r"j \t\h\á\n\g n \n\ă\m Y"
DATETIME_FORMAT = r"H:i, j \t\h\á\n\g n \n\ă\m Y"
MONTH_DAY_FORMAT = r"j \t\h\á\n\g n"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "H:i d/m/Y"
