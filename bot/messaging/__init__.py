"""Chat messages and their text: the types that cross the adapter boundary (``messages``),
text normalisation, privacy redaction and the shared phrases handlers speak with."""
