"""Search: an ``Index`` protocol with a tantivy (embedded) and an Elasticsearch backend."""
