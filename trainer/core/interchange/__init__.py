"""Questions to and from other tools: Anki, Moodle XML, GIFT, QTI 2.1 and printed forms.

One module per format and direction. Each writer and reader keeps a table with one entry per
question type (`QUESTION_TYPES`), so a new type cannot be forgotten silently: a test checks
every table. Text from banks becomes HTML through `html`, which the readers invert, so a
bank written out and read back gives the same questions.
"""
