"""casebook: fifteen large consumer systems, runnable, on one shared platform."""

__version__ = "0.1.0"
