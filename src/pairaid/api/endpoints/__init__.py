"""The API's endpoints, one router per group of records (mounted in `pairaid.api.api`)."""
