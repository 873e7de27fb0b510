"""Federation glue: our IRIs, AS2 documents of our objects, fetching, inbox, delivery."""
