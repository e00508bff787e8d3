"""Contacts, MASH enquiries, information requests, RAG clocks and decisions (issue 4). Built by its own issue; present so the layer contracts name it."""
