"""Storage: Tortoise models and named query functions. Knows no HTTP and no ActivityStreams."""
