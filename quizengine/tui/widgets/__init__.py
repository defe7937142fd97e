"""Widgets and rendering helpers the screens share."""
