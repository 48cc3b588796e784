"""pairaid: the ledger (台账) of paired assistance."""
