// Transport: to be written.
