"""The register's own SQLite database: catalog copy, tickets, payments and the outbox."""
