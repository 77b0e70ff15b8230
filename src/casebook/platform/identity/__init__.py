"""Identity: accounts, passwords, access and refresh tokens, UI sessions, login throttling and CSRF."""
