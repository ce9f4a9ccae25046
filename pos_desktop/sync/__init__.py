"""The register's side of the wire: the server client and the register's saved credentials."""
