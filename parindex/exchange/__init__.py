"""Files people exchange with parindex, without Django: the one cell reader and writer
(:mod:`.cells`), opening uploaded workbooks within limits (:mod:`.workbooks`), Vietnamese typed
values (:mod:`.values`) and the MIME types (:mod:`.mime`). The scoring engine may import it."""
