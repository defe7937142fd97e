"""Taking a quiz: the sitting's state and its scoring."""
