"""Direct messages: 1:1 and group conversations, message requests, read receipts, live delivery."""
