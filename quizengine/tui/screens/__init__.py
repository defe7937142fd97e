"""The full-screen views a learner moves between."""
