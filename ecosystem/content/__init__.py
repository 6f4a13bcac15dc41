"""What documents are made of: the reality humans write from, and the columnar document store."""
