// Storage: to be written.
