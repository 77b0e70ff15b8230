"""CashApp's Cash Card: a virtual debit card on the wallet, the simulated card network's door, and Boosts.

`routes` (API controllers), `ui` (the /cashapp/card page), `events.consumers`, `demo.load_demo`, and
`models` (its tables) are what the CashApp module registers.
"""
