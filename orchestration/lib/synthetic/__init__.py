"""Synthetic OGI reports with known truth, to measure the parser (`ogi generate`, `ogi eval`).

`generate_corpus(n, out, seed)` writes n files into `out/` and one line per file to
`out/truth.jsonl`:

- file, kind (report | duplicate | junk), junk (empty | png | pdf | zip | random_bytes | truncated),
  duplicate_of (the file a duplicate repeats, byte for byte or as a traditional-character mirror);
- layout (cell_per_line | pipe_rows | html | markdown | pdf_text | prose), encoding, variants (the
  SPEC §5 damage the file carries: traditional, pinyin, mojibake_labels, t4_one_line, …);
- template, agency (simplified, as in the title), year;
- values: key → number, or null for a blank cell; a prose-only report has only the keys it states,
  a truncated one only those left before the cut;
- broken_rules: the identity rule_ids its values break on purpose (empty for consistent reports);
- expected_status: parsed | rejected.
"""

from .corpus import (COMBINATIONS, TEMPLATE_LAYOUTS, TRUTH_FILE, GenerationSummary, generate_corpus,
                     generate_files, read_truth)

__all__ = ["COMBINATIONS", "TEMPLATE_LAYOUTS", "TRUTH_FILE", "GenerationSummary", "generate_corpus", "generate_files",
           "read_truth"]
