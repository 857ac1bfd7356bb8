// ArchiveAPI: to be written.
