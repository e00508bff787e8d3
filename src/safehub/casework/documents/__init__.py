"""The document pipeline (R43, R44): where the bytes live, what may come in, the virus scan, letters.

Nothing here touches the database or checks who is asking; `casework.services.documents` and
`casework.services.letters` do that and call these pieces in order.
"""
