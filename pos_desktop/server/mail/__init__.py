"""E-mail of the ledger server: messages queued with the change they report, then delivered."""
