"""Synthetic OGI reports with known truth, to measure the parser (`ogi generate`, `ogi eval`)."""

from .corpus import (COMBINATIONS, TEMPLATE_LAYOUTS, TRUTH_FILE, GenerationSummary, generate_corpus,
                     read_truth)

__all__ = ["COMBINATIONS", "TEMPLATE_LAYOUTS", "TRUTH_FILE", "GenerationSummary", "generate_corpus", "read_truth"]
