"""Infrastructure ports and their adapters; knows no product domain."""
