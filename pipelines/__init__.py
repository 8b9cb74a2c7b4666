"""Öppna data Kalmar län: the publishing pipeline package."""
