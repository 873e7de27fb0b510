"""Pure protocol code: JSON and bytes in, JSON and bytes out. No database, web framework or network."""
