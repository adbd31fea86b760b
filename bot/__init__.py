"""NeutroGuide: plain-language help for families living with neutropenia."""

__version__ = "0.1.0"
