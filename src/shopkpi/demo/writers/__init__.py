"""Writers: one module per real export format (see shared FIELD.md §1)."""
