from datetime import time

NSK = "Asia/Novosibirsk"
MON_FRI_9_18 = {wd: (time(9), time(18)) if wd < 5 else None for wd in range(7)}
