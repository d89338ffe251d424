"""The domain and storage of BranchDesk. Nothing in this package may import Qt."""
