"""Numerical experiments that back the answer keys of the question bank.

Each experiment is one module, registered by name in :mod:`simulations.registry`.
Importing this package is cheap: numpy is loaded only when an experiment runs.
"""
