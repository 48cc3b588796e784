"""Running the product as a whole: serving it and setting it up with the demo data set.

The commands here span the apps (the demo fills the ledger and keeps the founding article
as a checked text in bulletin), so they live above them rather than in the ledger.
"""
