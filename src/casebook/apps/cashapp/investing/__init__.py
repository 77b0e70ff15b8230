"""CashApp investing: bitcoin and fractional stocks at the simulated market's price, holdings and their value."""
