"""Modal screens shown over another: help, resume a sitting."""
