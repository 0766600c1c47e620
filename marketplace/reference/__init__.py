"""Reference data: districts (kecamatan) and categories, their models and the one place
that lists them in display order. Imports nothing from the features."""
