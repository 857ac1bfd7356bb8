// local build stub, not committed (Sources/Deflate is missing from the shared layout)
