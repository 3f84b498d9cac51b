"""transfer_out."""
