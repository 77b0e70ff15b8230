"""Shared domain engines, product-neutral; apps build on them, they never import apps."""
