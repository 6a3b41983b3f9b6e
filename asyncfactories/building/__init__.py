"""Building objects without a database: factory_boy's step builder with layered keywords, the
lean build path, declarations, call-time relationships, stubs, coverage, and the errors raised
while declarations are evaluated."""
