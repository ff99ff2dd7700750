"""Anonymous tips: no account, no identifying metadata, a receipt code as the only key to a two-way mailbox."""
