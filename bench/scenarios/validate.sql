-- validate: @FN@ over every @KIND@ document of bench.docs (one call per row, all valid).
-- Throughput in documents/s = TPS x number of documents of that kind.
SELECT count(@FN@(doc)) FROM bench.docs WHERE kind = '@KIND@';
