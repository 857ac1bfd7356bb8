// TranscriptParsing: to be written.
