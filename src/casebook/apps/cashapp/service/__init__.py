"""CashApp's use cases, one module per area: profiles, payments, requests, bank, activity."""
