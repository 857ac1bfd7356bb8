// ArchiveService: to be written.
