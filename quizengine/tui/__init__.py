"""The Textual terminal UI: ``QuizApp`` in app.py wires one screen per module."""
