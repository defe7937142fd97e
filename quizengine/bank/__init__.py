"""The question format: models, Markdown parsing and writing, loading a bank, the parse cache."""
