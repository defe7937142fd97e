"""quizengine: a quiz and self-assessment engine whose answer keys are proven by experiment."""

__version__ = "0.1.0"
