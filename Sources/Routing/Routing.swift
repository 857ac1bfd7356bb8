// Routing: to be written.
