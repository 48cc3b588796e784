"""Running the product as a whole: serving it, setting it up with the demo data set,
backing it up and restoring it, rotating the data key, and the health check.

The commands here span the apps (the demo fills the ledger and keeps the founding article
as a checked text in bulletin; a backup carries every app's records), so they live above
them rather than in the ledger.
"""
