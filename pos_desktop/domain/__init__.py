"""Pure rules of the product: no Qt, no SQL, no I/O. Tests reach them without a window."""
