"""Standards, adoptions, certificates, products and declarations (DESIGN §3); not built yet."""
