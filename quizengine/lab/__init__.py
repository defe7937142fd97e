"""Running experiments for questions: the only door to simulations/, its cache, verification."""
