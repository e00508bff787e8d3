"""SSD import/export, CIN census, SSDA903 and Annex A (issue 7). Built by its own issue; present so the layer contracts name it."""
